/**
 * The run of `pnpm start`: scenes → baseline figures → structured pruning of the shared backbone at
 * each MACs target (surgery: a real smaller two-head model) and unstructured pruning at each
 * sparsity (masks) → fine-tuning with both losses → both heads measured on the test scenes →
 * batch-1 latency → results document. Pure orchestration: the caller writes the files, so a test
 * can run it on a tiny recipe.
 */
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Goal, MaskSet, ResultDoc } from '@prunekit/core';
import {
  type ExampleResult,
  type PipelineRun,
  pruneUnstructuredCopy,
  batch1Latency,
} from '@prunekit/example-kit';
import { baseEnv, exportStage } from '@prunekit/recipe/node';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { disposeSplit, makeSplit, type Split, splitSeeds } from './data.js';
import { type Evaluation, evaluate } from './evaluate.js';
import type { Recipe } from './recipe.js';
import { packedView } from './packed.js';
import { renderMarkdown } from './report.js';
import { pruneToMacs } from './structured.js';
import { trainMultitask } from './train.js';

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export type PipelineOptions = PipelineRun<Recipe>;

export interface ModelRow {
  readonly model: string;
  readonly method: 'none' | 'structured' | 'unstructured';
  /** Structured: the channel ratio found; unstructured: the sparsity asked for. */
  readonly level: number;
  /** Structured: the MACs reduction asked for. */
  readonly target?: number;
  readonly params: number;
  readonly nonzeroParams: number;
  readonly macs: number;
  /** MACs that touch a nonzero weight. */
  readonly effectiveMacs: number;
  readonly fileBytes: number;
  /** Test figures right after pruning, before fine-tuning. */
  readonly signAccuracyPruned: number;
  readonly laneMIoUPruned: number;
  /** Test figures after fine-tuning. */
  readonly signAccuracy: number;
  readonly laneMIoU: number;
  readonly laneIoU: readonly number[];
  readonly latencyB1MedianMs: number;
  readonly latencyB1P99Ms: number;
  readonly finetuneEpochs: number;
  readonly bestEpoch: number;
}

export interface PipelineResult extends ExampleResult {
  readonly rows: readonly ModelRow[];
}

interface Candidate {
  readonly name: string;
  readonly method: ModelRow['method'];
  readonly level: number;
  readonly target?: number;
  readonly model: tfl.LayersModel;
  readonly masks?: MaskSet;
  readonly pruned: Evaluation;
  epochs: number;
  bestEpoch: number;
}

/** Relative drop of a metric, (before − after) / before. */
export const relDrop = (before: number, after: number) => (before - after) / before;

function goalsFor(base: ModelRow, st: ModelRow): Goal[] {
  const signRel = relDrop(base.signAccuracy, st.signAccuracy);
  const laneRel = relDrop(base.laneMIoU, st.laneMIoU);
  return [
    { name: 'macs_reduction_structured', value: base.macs / st.macs, target: st.target ?? 2, op: '>=' },
    // The worse head decides: the larger relative drop of sign accuracy and lane mIoU.
    { name: 'metric_rel_drop_structured', value: Math.max(signRel, laneRel), target: 0.01, op: '<=' },
    {
      name: 'sign_acc_drop_points_structured',
      value: 100 * (base.signAccuracy - st.signAccuracy),
      target: 0.5,
      op: '<=',
    },
    { name: 'lane_miou_rel_drop_structured', value: laneRel, target: 0.01, op: '<=' },
  ];
}

export async function runPipeline(opts: PipelineOptions): Promise<PipelineResult> {
  const t0 = performance.now();
  const loadAtStart = loadavg()[0];
  const log = opts.log ?? (() => {});
  const { recipe: r, baseline } = opts;
  const seeds = splitSeeds(r.seed);
  const splits: Split[] = [];
  const made: tfl.LayersModel[] = [];
  try {
    log(`data: ${r.data.finetune} fine-tuning, ${r.data.val} validation, ${r.data.test} test scenes`);
    const ft = makeSplit('finetune', r.data.finetune, seeds.finetune);
    splits.push(ft);
    const val = makeSplit('val', r.data.val, seeds.val);
    splits.push(val);
    const test = makeSplit('test', r.data.test, seeds.test);
    splits.push(test);
    const baseEval = evaluate(baseline, test);
    log(
      `baseline: test sign accuracy ${(100 * baseEval.signAccuracy).toFixed(2)}%, lane mIoU ${(100 * baseEval.laneMIoU).toFixed(2)}%`,
    );
    const candidates: Candidate[] = [
      {
        name: 'baseline',
        method: 'none',
        level: 0,
        model: baseline,
        pruned: baseEval,
        epochs: 0,
        bestEpoch: -1,
      },
    ];
    for (const target of r.structured.macsReductions) {
      const s = await pruneToMacs(baseline, { target, ...r.structured, seed: r.seed });
      made.push(s.result.model);
      const pruned = evaluate(s.result.model, test);
      log(
        `structured ${target}x: channel ratio ${s.ratio} → ${s.reduction.toFixed(2)}x fewer MACs; before fine-tuning sign ` +
          `${(100 * pruned.signAccuracy).toFixed(2)}%, lane mIoU ${(100 * pruned.laneMIoU).toFixed(2)}%`,
      );
      candidates.push({
        name: `structured-${target}x`,
        method: 'structured',
        level: s.ratio,
        target,
        model: s.result.model,
        pruned,
        epochs: 0,
        bestEpoch: -1,
      });
    }
    for (const level of r.unstructured.levels) {
      // The shared prune stage (@prunekit/recipe): magnitude, one global threshold, heads ignored.
      const res = await pruneUnstructuredCopy(baseline, r, level, exampleDir);
      const m = res.model;
      made.push(m);
      const pruned = evaluate(m, test);
      log(
        `unstructured ${level}: ${(100 * res.achieved).toFixed(1)}% of the backbone's kernel weights zeroed; before fine-tuning sign ` +
          `${(100 * pruned.signAccuracy).toFixed(2)}%, lane mIoU ${(100 * pruned.laneMIoU).toFixed(2)}%`,
      );
      candidates.push({
        name: `unstructured-${Math.round(level * 100)}`,
        method: 'unstructured',
        level,
        model: m,
        masks: res.masks,
        pruned,
        epochs: 0,
        bestEpoch: -1,
      });
    }
    const kd = r.finetune.distill;
    const loss = {
      ...r.loss,
      laneWeight: r.finetune.laneWeight ?? r.loss.laneWeight,
      ...(kd ? { distill: { ...kd, teacher: packedView(baseline) } } : {}),
    };
    for (const c of candidates.slice(1)) {
      const stage = c.method === 'structured' ? r.finetune.structured : r.finetune.unstructured;
      if (stage.epochs > 0) {
        const res = await trainMultitask(
          c.model,
          ft,
          val,
          { ...stage, batchSize: r.finetune.batchSize, loss },
          { masks: c.masks, seed: r.seed, log: (l) => log(`  ${l}`), label: c.name },
        );
        c.epochs = res.history.length;
        c.bestEpoch = res.bestEpoch;
      }
    }
    const lat = batch1Latency(
      candidates.map((c) => c.model),
      test.x,
      r.latency.reps,
    );
    const rows: ModelRow[] = [];
    for (const [k, c] of candidates.entries()) {
      const ev = c.method === 'none' ? baseEval : evaluate(c.model, test);
      const size = await exportStage(c.model, join(opts.outDir, c.name));
      rows.push({
        model: c.name,
        method: c.method,
        level: c.level,
        ...(c.target === undefined ? {} : { target: c.target }),
        ...size,
        signAccuracyPruned: c.pruned.signAccuracy,
        laneMIoUPruned: c.pruned.laneMIoU,
        signAccuracy: ev.signAccuracy,
        laneMIoU: ev.laneMIoU,
        laneIoU: ev.laneIoU,
        latencyB1MedianMs: lat[k].medianMs,
        latencyB1P99Ms: lat[k].p99Ms,
        finetuneEpochs: c.epochs,
        bestEpoch: c.bestEpoch,
      });
      log(
        `${c.name}: test sign accuracy ${(100 * ev.signAccuracy).toFixed(2)}%, lane mIoU ${(100 * ev.laneMIoU).toFixed(2)}%, ` +
          `${size.macs.toLocaleString('en-US')} MACs, latency ${lat[k].medianMs.toFixed(3)} ms`,
      );
    }
    const base = rows[0];
    const st = rows.find((row) => row.method === 'structured')!;
    const seconds = (performance.now() - t0) / 1000;
    const doc: ResultDoc = {
      name: r.name,
      env: {
        ...baseEnv(tf.getBackend()),
        seed: r.seed,
        metric: 'worse relative drop of the two heads (sign accuracy, lane mIoU) on the test scenes',
        signClasses: test.data.signNames.length,
        laneClasses: test.data.laneNames,
        testScenes: test.data.count,
        goalModel: st.model,
        pipelineSeconds: seconds,
        loadAverage1m: loadAtStart,
      },
      rows: rows as unknown as Record<string, unknown>[],
      goals: goalsFor(base, st),
    };
    return { doc, markdown: renderMarkdown(doc, rows, test.data.laneNames), rows, seconds };
  } finally {
    for (const s of splits) disposeSplit(s);
    for (const m of made) m.dispose();
  }
}
