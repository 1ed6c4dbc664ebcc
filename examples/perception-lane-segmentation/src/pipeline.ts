/**
 * The run of `pnpm start`: scenes → baseline figures → structured pruning (channel surgery) to the
 * recipe's MACs target and unstructured pruning at each level → fine-tune each → evaluate on the
 * test scenes → batch-1 latency on 'wasm' → results document. Pure orchestration: files are
 * written by the caller, so a test can run it on a tiny recipe.
 */
import { loadavg } from 'node:os';
import type { Goal, MaskSet, ResultDoc } from '@prunekit/core';
import { type ExampleResult, type PipelineRun, batch1Latency } from '@prunekit/example-kit';
import { baseEnv } from '@prunekit/recipe/node';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { evaluateSeg } from './evaluate.js';
import { pruneStructured, pruneUnstructured } from './prune.js';
import type { Recipe } from './recipe.js';
import { renderMarkdown } from './report.js';
import { type Candidate, type ModelRow, rowOf } from './row.js';
import { disposeSplit, makeSplit, type Split } from './splits.js';
import { train } from './train.js';

export type PipelineOptions = PipelineRun<Recipe>;

export interface PipelineResult extends ExampleResult {
  readonly rows: readonly ModelRow[];
}

function goalsOf(base: ModelRow, st: ModelRow, r: Recipe): Goal[] {
  return [
    {
      name: 'macs_reduction_structured',
      value: base.macs / st.macs,
      target: r.structured.macsReduction,
      op: '>=',
    },
    // mIoU is a percentage: the goal is at most half a point lost
    { name: 'miou_drop_points_structured', value: 100 * (base.miou - st.miou), target: 0.5, op: '<=' },
    {
      name: 'road_false_positive_increase_points_structured',
      value: 100 * (st.roadFalsePositiveRate - base.roadFalsePositiveRate),
      target: 0.5,
      op: '<=',
    },
  ];
}

export async function runPipeline(opts: PipelineOptions): Promise<PipelineResult> {
  const t0 = performance.now();
  const loadAtStart = loadavg()[0];
  const log = opts.log ?? (() => {});
  const { recipe: r, baseline } = opts;
  const splits: Split[] = [];
  const made: tfl.LayersModel[] = [];
  try {
    log(
      `data: ${r.data.finetune} fine-tuning and ${r.data.test} test scenes of ${r.data.height}×${r.data.width}`,
    );
    const ft = makeSplit(r, 'finetune', r.data.finetune);
    splits.push(ft);
    const test = makeSplit(r, 'test', r.data.test);
    splits.push(test);
    const val = makeSplit(r, 'val', r.data.val);
    splits.push(val);
    const baseEval = evaluateSeg(baseline, test);
    log(`baseline: test mIoU ${(100 * baseEval.miou).toFixed(2)}%`);
    const candidates: (Candidate & { masks?: MaskSet })[] = [
      {
        name: 'baseline',
        method: 'none',
        level: 0,
        model: baseline,
        pruned: baseEval,
        epochs: 0,
        keptEpoch: 0,
        seconds: 0,
      },
    ];
    const s = await pruneStructured(baseline, r);
    made.push(s.model);
    log(`structured: channel ratio ${s.ratio} → ${s.reduction.toFixed(2)}x fewer MACs`);
    candidates.push({
      name: `structured-${Math.round(s.ratio * 100)}`,
      method: 'structured',
      level: s.ratio,
      model: s.model,
      pruned: evaluateSeg(s.model, test),
      epochs: 0,
      keptEpoch: 0,
      seconds: 0,
    });
    for (const level of r.unstructured.levels) {
      const u = await pruneUnstructured(baseline, r, level);
      made.push(u.model);
      candidates.push({
        name: `unstructured-${Math.round(level * 100)}`,
        method: 'unstructured',
        level,
        model: u.model,
        masks: u.masks,
        pruned: evaluateSeg(u.model, test),
        epochs: 0,
        keptEpoch: 0,
        seconds: 0,
      });
    }
    for (const c of candidates.slice(1)) {
      log(`${c.name}: test mIoU ${(100 * c.pruned.miou).toFixed(2)}% before fine-tuning`);
      const budget = c.method === 'structured' ? r.finetune.structured : r.finetune.unstructured;
      if (budget.epochs === 0) continue;
      const started = performance.now();
      const res = await train(
        c.model,
        ft,
        {
          ...budget,
          batchSize: r.finetune.batchSize,
          classWeights: r.loss.classWeights,
          masks: c.masks,
          seed: r.seed,
          select: val,
        },
        (l) => log(`  ${l}`),
        c.name,
      );
      c.epochs = res.history.length;
      c.keptEpoch = (res.bestEpoch ?? -1) + 1;
      c.seconds = (performance.now() - started) / 1000;
    }
    const lat = batch1Latency(
      candidates.map((c) => c.model),
      test.x,
      r.latency.reps,
    );
    const rows: ModelRow[] = [];
    for (const [k, c] of candidates.entries()) {
      const ev = k === 0 ? baseEval : evaluateSeg(c.model, test);
      rows.push(await rowOf(c, ev, lat[k], opts.outDir));
      log(
        `${c.name}: test mIoU ${(100 * ev.miou).toFixed(2)}% (${ev.iou.map((v) => (100 * v).toFixed(1)).join(' / ')}), ` +
          `road FP ${(100 * ev.roadFalsePositiveRate).toFixed(2)}%, latency ${lat[k].medianMs.toFixed(3)} ms`,
      );
    }
    const goals = goalsOf(rows[0], rows[1], r);
    const seconds = (performance.now() - t0) / 1000;
    const doc: ResultDoc = {
      name: r.name,
      env: {
        ...baseEnv(tf.getBackend()),
        seed: r.seed,
        image: [r.data.height, r.data.width, 3],
        testScenes: r.data.test,
        finetuneScenes: r.data.finetune,
        valScenes: r.data.val,
        metric: 'mIoU over background, drivable, lane-marking on the test scenes',
        safetyMetric: 'road false-positive rate (background pixels predicted drivable or marking)',
        safetyBefore: rows[0].roadFalsePositiveRate,
        safetyAfterStructured: rows[1].roadFalsePositiveRate,
        structuredReport: s.report,
        pipelineSeconds: seconds,
        loadAverage1m: loadAtStart,
      },
      rows: rows as unknown as Record<string, unknown>[],
      goals,
    };
    return { doc, rows, markdown: renderMarkdown(doc, rows, s.report), seconds };
  } finally {
    for (const sp of splits) disposeSplit(sp);
    for (const m of made) m.dispose();
  }
}
