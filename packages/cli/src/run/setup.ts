/** What every model command starts from: backend, the dense model, and (when available) data. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Batch } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../backend.js';
import { findDataModule, loadDataModule, splitSeeds } from '../data/module.js';
import { disposeSplit, type Split, toSplit } from '../data/tensors.js';
import { UsageError } from '../errors.js';
import type { Progress } from '../progress.js';
import type { LoadedRecipe } from '../recipe/load.js';
import { loadLayersModel } from '@prunekit/recipe/node';

export interface Splits {
  readonly val: Split;
  readonly test: Split;
  readonly finetune?: Split;
  readonly calibration: Split;
  readonly module: string;
}

export interface Session {
  readonly model: tfl.LayersModel;
  readonly modelPath: string;
  readonly backend: string;
  /** Folder the recipe's relative paths (data, scorer and pruner modules) resolve against. */
  readonly baseDir: string;
  readonly data?: Splits;
  /** Calibration batches (for data-driven scorers). */
  calibrationBatches(): Batch[] | undefined;
  dispose(): void;
}

/** The dense model: --model, else recipe.model, else <recipe dir>/model/model.json. */
export function resolveModelPath(flag: string | undefined, loaded: LoadedRecipe): string {
  // URLs (file://, http(s)://) go to the load stage as they are; it knows them.
  if (flag) return /^[a-zA-Z][a-zA-Z0-9+.-]+:\/\//.test(flag) ? flag : resolve(flag);
  const r = loaded.recipe;
  if (r.model) return resolve(loaded.baseDir, r.model);
  const guess = join(loaded.baseDir, 'model', 'model.json');
  if (loaded.file && existsSync(guess)) return guess;
  throw new UsageError('No model given: pass --model <model.json> (or set model: in the recipe).', {
    field: 'model',
  });
}

export async function openSession(opts: {
  loaded: LoadedRecipe;
  modelFlag?: string;
  dataFlag?: string;
  wantData: 'none' | 'eval' | 'train';
  progress: Progress;
}): Promise<Session> {
  const { recipe } = opts.loaded;
  const modelPath = resolveModelPath(opts.modelFlag, opts.loaded);
  const where =
    opts.wantData === 'none'
      ? undefined
      : findDataModule({
          generator: recipe.data?.generator,
          baseDir: opts.loaded.baseDir,
          flag: opts.dataFlag,
        });
  const mod = where ? await loadDataModule(where.path) : undefined;
  const backend = await initBackend(recipe.backend);
  opts.progress.log(`backend: ${backend}`);
  if (opts.loaded.foreign.length > 0) {
    opts.progress.log(
      `recipe: sections ${opts.loaded.foreign.join(', ')} are not read by prunekit (an example's own); left out`,
    );
  }
  const model = await loadLayersModel(modelPath);
  opts.progress.log(`model: ${modelPath}`);
  let data: Splits | undefined;
  const made: Split[] = [];
  try {
    if (mod && where) {
      const d = recipe.data ?? { val: 500, test: 1000, finetune: 2000, calibration: 128 };
      const seeds = splitSeeds(recipe.seed);
      const make = (name: string, count: number, seed: number) => {
        opts.progress.tick(`data: generating ${name}`, 0, 1);
        let generated: ReturnType<typeof mod.generateDataset>;
        try {
          generated = mod.generateDataset(count, seed);
        } catch (e) {
          throw new UsageError(
            `Data module '${mod.path}': generateDataset(${count}, ${seed}) threw for the ${name} split: ${
              (e as Error)?.message ?? String(e)
            }. Fix the data module.`,
            { file: mod.path, field: 'data.generator' },
          );
        }
        const s = toSplit(name, generated, model);
        opts.progress.tick(`data: generating ${name}`, 1, 1);
        made.push(s);
        return s;
      };
      const val = make('val', d.val, seeds.val);
      const test = make('test', d.test, seeds.test);
      const calibration = make('calibration', d.calibration, recipe.seed * 1000 + 3);
      const finetune = opts.wantData === 'train' ? make('finetune', d.finetune, seeds.finetune) : undefined;
      opts.progress.done();
      opts.progress.log(
        `data: ${where.path} (${where.how}); ${d.val} val, ${d.test} test${finetune ? `, ${d.finetune} fine-tune` : ''} samples`,
      );
      data = { val, test, calibration, finetune, module: where.path };
    } else if (opts.wantData !== 'none') {
      opts.progress.log(
        'data: none (no data.generator, --data, or src/generator.ts beside the recipe): accuracy and fine-tuning are skipped',
      );
    }
  } catch (e) {
    for (const s of made) disposeSplit(s);
    model.dispose();
    throw e;
  }
  return {
    model,
    modelPath,
    backend,
    baseDir: opts.loaded.baseDir,
    data,
    calibrationBatches() {
      if (!data) return undefined;
      const n = data.calibration.x.shape[0];
      const out: Batch[] = [];
      for (let i = 0; i < n; i += 32) {
        const size = Math.min(32, n - i);
        out.push(
          tf.tidy(() => ({
            x: tf.slice(data.calibration.x, i, size),
            y: tf.slice(data.calibration.y, i, size),
          })),
        );
      }
      return out;
    },
    dispose() {
      for (const s of made) disposeSplit(s);
      model.dispose();
    },
  };
}
