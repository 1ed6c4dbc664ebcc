/**
 * The demo pipeline: data → baseline → runs → results document. Pure orchestration; writing files
 * is left to the caller (start.ts) so tests can run it on a tiny recipe.
 */
import { loadavg } from 'node:os';
import type { Goal, ResultDoc } from '@prunekit/core';
import type { ExampleResult } from '@prunekit/example-kit';
import { baseEnv } from '@prunekit/recipe/node';
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

/**
 * The stages every script of this example shares: generate the splits, load or train the baseline,
 * evaluate it, then `body` on the run context; splits and baseline are disposed afterwards.
 */
export async function withRunContext<T>(
  opts: Pick<PipelineOptions, 'recipe' | 'baseline' | 'outDir' | 'log'>,
  body: (ctx: RunContext) => Promise<T>,
): Promise<T> {
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
      return await body({
        recipe,
        baseline,
        baselineEval,
        train,
        val,
        test,
        outDir: opts.outDir,
        backend: tf.getBackend(),
        log,
      });
    } finally {
      baseline.dispose();
    }
  } finally {
    for (const s of splits) disposeSplit(s);
  }
}

/** The results document's machine and run figures (the recipe's `baseEnv` plus this example's). */
export function resultEnv(ctx: RunContext, extra: Record<string, number>): ResultDoc['env'] {
  return {
    ...baseEnv(ctx.backend),
    baselineAccuracy: ctx.baselineEval.accuracy,
    testImages: ctx.test.data.count,
    seed: ctx.recipe.seed,
    ...extra,
  };
}

export async function runPipeline(opts: PipelineOptions): Promise<PipelineResult> {
  const t0 = performance.now();
  // The machine may be shared: record how busy it was, so the wall time can be read honestly.
  const loadAtStart = loadavg()[0];
  return withRunContext(opts, async (ctx) => {
    const rows: ResultRow[] = [];
    const goals: Goal[] = [];
    const sections: MarkdownSection[] = [];
    for (const run of opts.runs ?? DEFAULT_RUNS) {
      ctx.log(`run ${run.name}: start`);
      const out = await run.run(ctx);
      rows.push(...out.rows);
      goals.push(...out.goals);
      sections.push(...(out.sections ?? []));
    }
    const seconds = (performance.now() - t0) / 1000;
    const doc: ResultDoc = {
      name: ctx.recipe.name,
      env: resultEnv(ctx, { pipelineSeconds: seconds, loadAverage1m: loadAtStart }),
      rows,
      goals,
    };
    return {
      doc,
      markdown: renderMarkdown(doc, ctx.test.data.classNames, sections),
      classNames: ctx.test.data.classNames,
      seconds,
    };
  });
}
