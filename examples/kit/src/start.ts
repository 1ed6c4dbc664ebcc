/**
 * The `start` script every example shares: recipe (--recipe, default recipe.yaml) → 'wasm' backend
 * → committed baseline (or a trained one) → the example's pipeline → results.json + results.md
 * (in the example folder, or --results <dir>). Folders in the recipe are relative to the recipe file.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BackendError, type ResultDoc } from '@prunekit/core';
import type { ReportData } from '@prunekit/report';
import { buildReport } from '@prunekit/report/node';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { startBackend } from './backend.js';
import { loadOrTrainBaseline } from './baseline.js';
import { arg, runMain, timedLog, writeAtomic, writeResults } from './script.js';

/** What `start` needs of a recipe: where the baseline lives and where models are written. */
export interface ExampleRecipe {
  readonly baseline: { readonly dir: string };
  readonly output: { readonly dir: string };
}

export interface PipelineRun<R> {
  readonly recipe: R;
  /** The baseline model; `start` disposes it after the pipeline. */
  readonly baseline: LayersModel;
  /** The recipe's output folder, created. */
  readonly outDir: string;
  readonly log?: (line: string) => void;
}

/** What an example's pipeline returns: the results document, its markdown and the run's seconds. */
export interface ExampleResult {
  readonly doc: ResultDoc;
  readonly markdown: string;
  readonly seconds: number;
  /** When present, `start` writes it as report.html (packages/report) into the output folder. */
  readonly report?: ReportData;
}

export interface ExampleStart<R extends ExampleRecipe> {
  /** The example's package folder (results are written there by default). */
  readonly exampleDir: string;
  readonly loadRecipe: (file: string) => R;
  /** Trains a baseline, saves it into `dir` and returns it (used when `dir` has no model.json). */
  readonly trainAndSave: (recipe: R, dir: string, log: (line: string) => void) => Promise<LayersModel>;
  readonly pipeline: (run: PipelineRun<R>) => Promise<ExampleResult>;
}

/** Runs an example's `start` end to end; an error prints its stack and exits with status 1. */
export function startExample<R extends ExampleRecipe>(ex: ExampleStart<R>): void {
  runMain(async () => {
    const { log } = timedLog();
    const recipeFile = resolve(arg('recipe') ?? join(ex.exampleDir, 'recipe.yaml'));
    const recipe = ex.loadRecipe(recipeFile);
    const backend = await startBackend('wasm');
    if (backend !== 'wasm') throw new BackendError(`start needs the 'wasm' backend, got '${backend}'.`);
    log(`backend: ${backend}; recipe: ${recipeFile}`);
    const base = dirname(recipeFile);
    const modelDir = resolve(base, recipe.baseline.dir);
    const baseline = await loadOrTrainBaseline(modelDir, () => ex.trainAndSave(recipe, modelDir, log), log);
    const outDir = resolve(base, recipe.output.dir);
    mkdirSync(outDir, { recursive: true });
    try {
      const result = await ex.pipeline({ recipe, baseline, outDir, log });
      const resultsDir = resolve(arg('results') ?? ex.exampleDir);
      await writeResults(resultsDir, result.doc, result.markdown);
      if (result.report) {
        await writeAtomic(join(outDir, 'report.html'), buildReport(result.report).html);
        log(`wrote ${join(outDir, 'report.html')}`);
      }
      log(`done in ${result.seconds.toFixed(1)} s; wrote results.json and results.md to ${resultsDir}`);
    } finally {
      baseline.dispose();
    }
  });
}
