/**
 * The run of `pnpm start`: samples → baseline and constant-velocity figures → structured pruning
 * to each MACs target and unstructured pruning at each level → fine-tune (masks kept) → ADE / FDE /
 * miss rate on the test samples → batch-1 latency → results document. Pure orchestration: files
 * are written by the caller (pruned models go to outDir to measure their bytes), so a test can run
 * it on a tiny recipe.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Goal, ResultDoc } from '@prunekit/core';
import { type ExampleResult, type PipelineRun, batch1Latency } from '@prunekit/example-kit';
import { baseEnv, exportStage } from '@prunekit/recipe/node';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  type Candidate,
  controlCandidate,
  structuredCandidates,
  unstructuredCandidates,
} from './candidates.js';
import { disposeSplit, type Split, toSplit } from './data.js';
import { evaluateConstantVelocity, evaluateModel } from './evaluate.js';
import { MISS_THRESHOLD_M } from './metrics.js';
import type { Recipe } from './recipe.js';
import { renderMarkdown } from './report.js';
import type { SimParams } from './sim/params.js';
import { samplesFor } from './splits.js';
import { train } from './train.js';

export interface PipelineOptions extends PipelineRun<Recipe> {
  readonly params: SimParams;
}

export interface ModelRow {
  readonly model: string;
  readonly method: Candidate['method'];
  readonly level: number;
  readonly params: number;
  readonly nonzeroParams: number;
  readonly macs: number;
  /** MACs that touch a nonzero weight. */
  readonly effectiveMacs: number;
  readonly fileBytes: number;
  /** Test ADE right after pruning, before fine-tuning (m). */
  readonly adePruned: number;
  readonly ade: number;
  readonly fde: number;
  readonly missRate: number;
  readonly latencyB1MedianMs: number;
  readonly latencyB1P99Ms: number;
  readonly finetuneEpochs: number;
}

export type PipelineResult = ExampleResult;

function goals(rows: readonly ModelRow[]): Goal[] {
  const base = rows[0];
  const st = rows.find((r) => r.method === 'structured')!;
  return [
    { name: 'macs_reduction_structured', value: base.macs / st.macs, target: 2, op: '>=' },
    // ADE: lower is better, so a rise is a loss of quality: (after − before) / before.
    { name: 'metric_rel_drop_structured', value: (st.ade - base.ade) / base.ade, target: 0.01, op: '<=' },
    // Miss rate (safety): a rise in percentage points is the drop in safety.
    {
      name: 'miss_rate_rise_points_structured',
      value: 100 * (st.missRate - base.missRate),
      target: 0.5,
      op: '<=',
    },
  ];
}

export async function runPipeline(opts: PipelineOptions): Promise<PipelineResult> {
  const t0 = performance.now();
  const loadAtStart = loadavg()[0];
  const log = opts.log ?? (() => {});
  const { recipe: r, params: p, baseline } = opts;
  const splits: Split[] = [];
  const made: tfl.LayersModel[] = [];
  try {
    log(`data: ${r.data.finetune} fine-tuning, ${r.data.val} validation, ${r.data.test} test samples`);
    const [ft, val, test] = (['finetune', 'val', 'test'] as const).map((name) => {
      const s = toSplit(samplesFor(p, r, name), p.dt);
      splits.push(s);
      return s;
    });
    const cv = evaluateConstantVelocity(test);
    const base = evaluateModel(baseline, test);
    log(
      `baseline: test ADE ${base.ade.toFixed(3)} m, FDE ${base.fde.toFixed(3)} m, miss ${(100 * base.missRate).toFixed(2)}%; ` +
        `constant velocity ${cv.ade.toFixed(3)} / ${cv.fde.toFixed(3)} m, miss ${(100 * cv.missRate).toFixed(2)}%`,
    );
    const pruned = [
      ...(r.finetune.control ? [await controlCandidate(baseline)] : []),
      ...(await structuredCandidates(baseline, r)),
      ...(await unstructuredCandidates(baseline, r)),
    ];
    made.push(...pruned.map((c) => c.model));
    const candidates: Candidate[] = [
      { name: 'baseline', method: 'none', level: 0, model: baseline },
      ...pruned,
    ];
    const adePruned = new Map<string, number>([['baseline', base.ade]]);
    const epochs = new Map<string, number>();
    for (const c of pruned) {
      adePruned.set(c.name, evaluateModel(c.model, test).ade);
      log(`${c.name}: level ${c.level}, test ADE ${adePruned.get(c.name)!.toFixed(3)} m before fine-tuning`);
      if (r.finetune.epochs === 0) continue;
      const res = await train(
        c.model,
        ft,
        val,
        { ...r.finetune, masks: c.masks, teacher: baseline, seed: r.seed },
        (l) => log(`  ${l}`),
        c.name,
      );
      epochs.set(c.name, res.history.length);
    }
    const lat = batch1Latency(
      candidates.map((c) => c.model),
      test.x,
      r.latency.reps,
    );
    const rows: ModelRow[] = [];
    for (const [k, c] of candidates.entries()) {
      const ev = k === 0 ? base : evaluateModel(c.model, test);
      const size = await exportStage(c.model, join(opts.outDir, c.name));
      rows.push({
        model: c.name,
        method: c.method,
        level: c.level,
        ...size,
        adePruned: adePruned.get(c.name)!,
        ade: ev.ade,
        fde: ev.fde,
        missRate: ev.missRate,
        latencyB1MedianMs: lat[k].medianMs,
        latencyB1P99Ms: lat[k].p99Ms,
        finetuneEpochs: epochs.get(c.name) ?? 0,
      });
      log(
        `${c.name}: ${size.macs} MACs, test ADE ${ev.ade.toFixed(3)} m, FDE ${ev.fde.toFixed(3)} m, miss ${(100 * ev.missRate).toFixed(2)}%, ` +
          `b1 ${lat[k].medianMs.toFixed(3)} ms`,
      );
    }
    const seconds = (performance.now() - t0) / 1000;
    const st = rows.find((row) => row.method === 'structured')!;
    const doc: ResultDoc = {
      name: r.name,
      env: {
        ...baseEnv(tf.getBackend()),
        seed: r.seed,
        testSamples: test.count,
        metric:
          'ADE (m) on the test samples; lower is better, so the relative drop is (after − before) / before',
        safetyMetric: `miss rate (FDE > ${MISS_THRESHOLD_M} m)`,
        safetyBefore: base.missRate,
        safetyAfterStructured: st.missRate,
        constantVelocity: cv,
        pipelineSeconds: seconds,
        loadAverage1m: loadAtStart,
      },
      rows: rows as unknown as Record<string, unknown>[],
      goals: goals(rows),
    };
    return { doc, markdown: renderMarkdown(doc, rows, candidates), seconds };
  } finally {
    for (const s of splits) disposeSplit(s);
    for (const m of made) m.dispose();
  }
}
