/** The committed baseline of an example, or a freshly trained one when the folder is missing. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadLayersModel } from '@prunekit/recipe/node';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** Loads `<dir>/model.json` (the recipe's load stage); when it is missing, `trainAndSave` trains one, saves it into `dir` and returns it. */
export async function loadOrTrainBaseline(
  dir: string,
  trainAndSave: () => Promise<LayersModel>,
  log: (line: string) => void,
): Promise<LayersModel> {
  if (existsSync(join(dir, 'model.json'))) {
    log(`baseline: loading ${dir}`);
    return loadLayersModel(join(dir, 'model.json'));
  }
  log(`baseline: ${dir} missing, training one`);
  return trainAndSave();
}
