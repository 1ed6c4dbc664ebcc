/**
 * The demo pipeline: data → baseline → runs → results document. Pure orchestration; writing files
 * is left to the caller (start.ts) so tests can run it on a tiny recipe.
 */
import { cpus, loadavg } from 'node:os';
import type { Goal, ResultDoc } from '@prunekit/core';
import type { ExampleResult } from '@prunekit/example-kit';
import * as tf from '@tensorflow/tfjs-core';
import { disposeSplit, makeSplit, splitSeeds, type Split } from './data.js';
import { evaluate } from './evaluate.js';
import type { Recipe } from './recipe.js';
import { type MarkdownSection, renderMarkdown, type ResultRow } from './report.js';
import type { Run, RunContext } from './runs/types.js';
import { unstructuredRun } from './runs/unstructured.js';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Runs of the default demo, in order. Later issues append theirs (structured, sparse, compress). */
export const DEFAULT_RUNS: readonly Run[] = [unstructuredRun];

export interface PipelineOptions {
  readonly recipe: Recipe;
  /** Returns the baseline model (loaded or trained); the pipeline disposes it at the end. */
  readonly baseline: (val: Split) => Promise<tfl.LayersModel>;
  readonly outDir: string;
  readonly runs?: readonly Run[];
  readonly log?: (line: string) => void;
}

export interface PipelineResult extends ExampleResult {
  readonly classNames: readonly string[];
}

export async function runPipeline(opts: PipelineOptions): Promise<PipelineResult> {
  const t0 = performance.now();
  // The machine may be shared: record how busy it was, so the wall time can be read honestly.
  const loadAtStart = loadavg()[0];
  const log = opts.log ?? (() => {});
  const { recipe } = opts;
  const seeds = splitSeeds(recipe.seed);
  log(
    `data: generating ${recipe.data.finetune} fine-tuning, ${recipe.data.val} validation, ${recipe.data.test} test images`,
  );
  const splits: Split[] = [];
  try {
    const val = makeSplit('val', recipe.data.val, seeds.val);
    splits.push(val);
    const test = makeSplit('test', recipe.data.test, seeds.test);
    splits.push(test);
    // The fine-tuning set continues the baseline's training stream past its last epoch.
    const train = makeSplit('finetune', recipe.data.finetune, seeds.train + recipe.baseline.epochs);
    splits.push(train);
    const baseline = await opts.baseline(val);
    try {
      const baselineEval = evaluate(baseline, test);
      log(
        `baseline: test accuracy ${(100 * baselineEval.accuracy).toFixed(2)}% on ${test.data.count} images`,
      );
      const ctx: RunContext = {
        recipe,
        baseline,
        baselineEval,
        train,
        val,
        test,
        outDir: opts.outDir,
        backend: tf.getBackend(),
        log,
      };
      const rows: ResultRow[] = [];
      const goals: Goal[] = [];
      const sections: MarkdownSection[] = [];
      for (const run of opts.runs ?? DEFAULT_RUNS) {
        log(`run ${run.name}: start`);
        const out = await run.run(ctx);
        rows.push(...out.rows);
        goals.push(...out.goals);
        sections.push(...(out.sections ?? []));
      }
      const seconds = (performance.now() - t0) / 1000;
      const doc: ResultDoc = {
        name: recipe.name,
        env: {
          node: process.version,
          cpu: cpus()[0]?.model ?? 'unknown',
          cores: cpus().length,
          backend: tf.getBackend(),
          baselineAccuracy: baselineEval.accuracy,
          testImages: test.data.count,
          seed: recipe.seed,
          pipelineSeconds: seconds,
          loadAverage1m: loadAtStart,
        },
        rows,
        goals,
      };
      return {
        doc,
        markdown: renderMarkdown(doc, test.data.classNames, sections),
        classNames: test.data.classNames,
        seconds,
      };
    } finally {
      baseline.dispose();
    }
  } finally {
    for (const s of splits) disposeSplit(s);
  }
}
