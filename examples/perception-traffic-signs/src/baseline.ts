/** The committed baseline: load it from the recipe's folder, or train and save one. */
import { dirname, join, resolve } from 'node:path';
import { loadOrTrainBaseline } from '@prunekit/example-kit';
import { saveModel } from '@prunekit/layers/node';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from './data.js';
import { splitSeeds } from './data.js';
import type { Recipe } from './recipe.js';
import { NUM_CLASSES } from './signs.js';
import { type BaselineResult, trainBaseline } from './train.js';

export function baselineModelPath(exampleDir: string, recipe: Recipe): string {
  return join(exampleDir, recipe.baseline.dir, 'model.json');
}

export async function trainFromRecipe(
  recipe: Recipe,
  numClasses: number,
  val: Split,
  log: (l: string) => void,
): Promise<BaselineResult> {
  const b = recipe.baseline;
  return trainBaseline({
    numClasses,
    trainSize: b.trainSize,
    epochs: b.epochs,
    batchSize: b.batchSize,
    lr: b.lr,
    lrDecay: b.lrDecay,
    modelSeed: recipe.seed,
    dataSeed: splitSeeds(recipe.seed).train,
    val,
    log,
  });
}

/** The pipeline's baseline hook: the recipe's baseline folder (relative to the recipe file), loaded or trained. */
export const recipeBaseline =
  (recipeFile: string, recipe: Recipe, log: (l: string) => void) =>
  (val: Split): Promise<tfl.LayersModel> => {
    const dir = resolve(dirname(recipeFile), recipe.baseline.dir);
    // The examples' shared baseline step (the recipe's load stage, or train and save one).
    return loadOrTrainBaseline(
      dir,
      async () => {
        log(`baseline: training (${recipe.baseline.epochs} epochs × ${recipe.baseline.trainSize} images)`);
        const { model } = await trainFromRecipe(recipe, NUM_CLASSES, val, (l) => log(`baseline ${l}`));
        await saveModel(model, dir, { overwrite: true });
        log(`baseline: saved to ${dir}`);
        return model;
      },
      log,
    );
  };
