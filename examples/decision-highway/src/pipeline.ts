/**
 * The run of `pnpm start`: demonstrations → baseline figures → structured (neuron) pruning to the
 * recipe's MACs target and unstructured pruning at each level, all under the brake-recall guard →
 * fine-tune → offline and closed-loop evaluation → latency → results document. Pure orchestration:
 * files are written by the caller, so a test can run it on a tiny recipe.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { computeMetrics, type Goal, type MaskSet, type ResultDoc } from '@prunekit/core';
import {
  type ExampleResult,
  collisionSection,
  exampleReport,
  type PipelineRun,
  sequentialRow,
} from '@prunekit/example-kit';
import { batch1Latency, structuredToMacs } from '@prunekit/recipe';
import { baseEnv, exportStage } from '@prunekit/recipe/node';
import { buildGraph, cloneModel } from '@prunekit/layers';
import {
  type ChannelPrunerOptions,
  type ClosedLoopVerdict,
  type EventComparison,
  type GuardLog,
  guard,
  guardedChannelPrune,
  guardedUnstructuredPrune,
  guardSummary,
  type SafetyGuard,
} from '@prunekit/pruners';
import { magnitude } from '@prunekit/scorers';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type ClosedLoopEval, closedLoop, expertPolicy, modelPolicy, type Policy } from './closed_loop.js';
import { checkOnTest, compareWithBaseline, searchStructured } from './safety.js';
import { disposeSplit, type Split, toSplit } from './data.js';
import { evaluateOffline, type OfflineEval } from './evaluate.js';
import { recoveredBrakeRecall } from './guard_metric.js';
import type { Recipe } from './recipe.js';
import { renderMarkdown } from './report.js';
import type { SimParams } from './sim/params.js';
import { demonstrations, splitSeed } from './splits.js';
import { train } from './train.js';

export interface PipelineOptions extends PipelineRun<Recipe> {
  readonly params: SimParams;
}

export interface ModelRow {
  readonly model: string;
  readonly method: 'none' | 'structured' | 'unstructured';
  readonly level: number;
  /** Test worlds this row drove (the sequential test's for the baseline and structured rows). */
  readonly worlds: number;
  readonly params: number;
  readonly nonzeroParams: number;
  readonly macs: number;
  /** MACs that touch a nonzero weight. */
  readonly effectiveMacs: number;
  readonly fileBytes: number;
  readonly testAgreement: number;
  readonly testBrakeRecall: number;
  /** Guard metric on the validation set right after pruning (before fine-tuning). */
  readonly valBrakeRecallPruned: number;
  readonly valBrakeRecall: number;
  readonly closedLoopAgreement: number;
  readonly closedLoopBrakeRecall: number;
  readonly collisionsPer1000Km: number;
  readonly closedLoopKm: number;
  /** Collision rate / the baseline's on the same test scenarios, with its 95 % interval (the recipe's test). */
  readonly collisionRatio: number;
  readonly collisionRatioLower95: number;
  readonly collisionRatioUpper95: number;
  /** The exact conditional Poisson upper bound beside it. */
  readonly collisionRatioPoissonUpper95: number;
  readonly nearMissesPer1000Km: number;
  readonly nearMissRatioUpper95: number;
  readonly cutInsPer1000Km: number;
  readonly cutInRatioUpper95: number;
  readonly offRoadPer1000Km: number;
  /** The ego's own hard braking (mean deceleration over the recipe's window above its threshold). */
  readonly hardBrakes: number;
  readonly hardBrakesPer1000Km: number;
  readonly hardBrakeRatio: number;
  readonly hardBrakeRatioLower95: number;
  readonly hardBrakeRatioUpper95: number;
  readonly latencyB1MedianMs: number;
  readonly latencyB1P99Ms: number;
  readonly guardAccepted: number;
  readonly guardRejected: number;
  readonly finetuneEpochs: number;
}

export type PipelineResult = ExampleResult;

interface Candidate {
  readonly name: string;
  readonly method: ModelRow['method'];
  readonly level: number;
  readonly model: tfl.LayersModel;
  readonly masks?: MaskSet;
  readonly log?: GuardLog;
  readonly valPruned: number;
  epochs: number;
  /** Already fine-tuned (by the closed-loop search). */
  readonly tuned?: boolean;
}

/** The channel pruner's settings at `ratio` (L2-magnitude scores, the recipe's scope and rounding). */
function channelSettings(r: Recipe, ratio: number, scope = r.structured.scope): ChannelPrunerOptions {
  return {
    scorer: magnitude({ p: 2, reduction: 'mean', normalizer: 'mean' }),
    ratio,
    scope,
    roundTo: r.structured.roundTo,
    seed: r.seed,
  };
}

/**
 * The structured ratio: the smallest neuron ratio (the recipe's MACs-target bisection, ±0.01) whose
 * plain cut reaches the MACs target; then, while the offline guard's roll-backs make the guarded
 * cut miss the target, the ratio is raised in steps of 0.05 (to 0.9). The closed-loop search starts from it.
 */
async function structuredRatio(
  baseline: tfl.LayersModel,
  r: Recipe,
  safety: SafetyGuard,
  log: (l: string) => void,
): Promise<number> {
  const graph = buildGraph(baseline);
  const baseMacs = computeMetrics(graph).macs;
  const options = (ratio: number) => channelSettings(r, ratio);
  const plain = await structuredToMacs(baseline, {
    target: r.structured.macsReduction,
    pruner: options(0.5),
  });
  plain.model.dispose();
  for (let ratio = plain.ratio; ; ratio = +Math.min(0.9, ratio + 0.05).toFixed(4)) {
    const res = await guardedChannelPrune(graph, options(ratio), safety);
    const reduction = baseMacs / computeMetrics(buildGraph(res.model)).macs;
    res.model.dispose();
    const sum = guardSummary(res.log);
    log(
      `structured: neuron ratio ${ratio} → ${reduction.toFixed(2)}x fewer MACs; guard kept ${sum.accepted}, rolled back ${sum.rejected} groups`,
    );
    if (reduction >= r.structured.macsReduction || ratio >= 0.9) return ratio;
  }
}

export async function runPipeline(opts: PipelineOptions): Promise<PipelineResult> {
  const t0 = performance.now();
  const loadAtStart = loadavg()[0];
  const log = opts.log ?? (() => {});
  const { recipe: r, params: p, baseline } = opts;
  const splits: Split[] = [];
  const made: tfl.LayersModel[] = [];
  try {
    log(`data: ${r.data.finetune} fine-tuning, ${r.data.val} validation, ${r.data.test} test demonstrations`);
    const ftDemo = demonstrations(p, r.seed, 'finetune', r.data.finetune);
    const ft = toSplit(ftDemo, r.data.repeat);
    splits.push(ft);
    const val = toSplit(demonstrations(p, r.seed, 'val', r.data.val));
    splits.push(val);
    const test = toSplit(demonstrations(p, r.seed, 'test', r.data.test));
    splits.push(test);
    const recovery = toSplit(demonstrations(p, r.seed, 'finetune', r.guard.recovery.rows), r.data.repeat);
    splits.push(recovery);
    const safety = guard({
      metric: r.guard.metric,
      maxDrop: r.guard.maxDrop,
      evaluate: recoveredBrakeRecall({
        data: recovery,
        val,
        ...r.guard.recovery,
        batchSize: r.finetune.batchSize,
        seed: r.seed,
      }),
    });
    const valBase = await safety.measure(baseline);
    const candidates: Candidate[] = [
      { name: 'baseline', method: 'none', level: 0, model: baseline, valPruned: valBase, epochs: 0 },
    ];
    const ratio = await structuredRatio(baseline, r, safety, log);
    const search = await searchStructured({
      baseline,
      recipe: r,
      params: p,
      offline: safety,
      settings: (q, scope) => channelSettings(r, q, scope),
      ratio,
      ft: ftDemo,
      val,
      log: (l) => log(`  closed-loop search: ${l}`),
    });
    made.push(search.model);
    const offlineLog = search.offlineLog as GuardLog;
    const stRatio = search.options.ratio ?? ratio;
    candidates.push({
      name: `structured-${Math.round(stRatio * 100)}`,
      method: 'structured',
      level: stRatio,
      model: search.model,
      log: offlineLog,
      valPruned: offlineLog.final,
      epochs: search.epochs,
      tuned: true,
    });
    for (const level of r.unstructured.levels) {
      const m = await cloneModel(baseline);
      made.push(m);
      const g = await guardedUnstructuredPrune(
        buildGraph(m),
        { scorer: magnitude({ p: 1 }), ratio: level, ignore: ['logits'], seed: r.seed },
        safety,
      );
      const sum = guardSummary(g.log);
      log(`unstructured ${level}: guard accepted ${sum.accepted}, rejected ${sum.rejected} layer steps`);
      candidates.push({
        name: `unstructured-${Math.round(level * 100)}`,
        method: 'unstructured',
        level,
        model: m,
        masks: g.masks,
        log: g.log,
        valPruned: g.log.final,
        epochs: 0,
      });
    }
    for (const c of candidates.slice(1)) {
      if (r.finetune.epochs === 0 || c.tuned) continue;
      const res = await train(
        c.model,
        ft,
        val,
        { ...r.finetune, masks: c.masks, seed: r.seed },
        (l) => log(`  ${l}`),
        c.name,
      );
      c.epochs = res.history.length;
    }
    const seq = await checkOnTest(search.model, baseline, p, r);
    const testVerdict = seq.verdict;
    log(`test: ${testVerdict.message}`);
    // The baseline and the structured model: the sequential test's own drives, on all the worlds it
    // used. The other rows (not goals) and the expert drive its first look's worlds.
    const testDrive = { ...r.closedLoop, seed: splitSeed(r.seed, 'test') + 1 };
    const cl = (policy: Policy): ClosedLoopEval => closedLoop(policy, p, testDrive);
    const expert = cl(expertPolicy(p));
    log(
      `expert closed loop: ${expert.collisionsPer1000Km.toFixed(2)} collisions / 1000 km over ${expert.km.toFixed(1)} km`,
    );
    const lat = batch1Latency(
      candidates.map((c) => c.model),
      test.x,
      r.latency.reps,
    );
    const rows: ModelRow[] = [];
    const verdicts: ClosedLoopVerdict[] = [];
    for (const [k, c] of candidates.entries()) {
      const off: OfflineEval = evaluateOffline(c.model, test);
      const loop = k === 0 ? seq.dense : k === 1 ? seq.model : cl(modelPolicy(c.model));
      const v = compareWithBaseline(loop, k < 2 ? seq.dense : seq.first, r);
      verdicts.push(v);
      const ev = (name: string) => v.events.find((e) => e.event === name) as EventComparison;
      const coll = ev('collision');
      const hard = ev('hard_brake');
      const size = await exportStage(c.model, join(opts.outDir, c.name));
      const sum = c.log ? guardSummary(c.log) : { accepted: 0, rejected: 0 };
      rows.push({
        model: c.name,
        method: c.method,
        level: c.level,
        worlds: loop.outcomes.length,
        ...size,
        testAgreement: off.agreement,
        testBrakeRecall: off.brakeRecall,
        valBrakeRecallPruned: c.valPruned,
        valBrakeRecall: evaluateOffline(c.model, val).brakeRecall,
        closedLoopAgreement: loop.agreement,
        closedLoopBrakeRecall: loop.brakeRecall,
        collisionsPer1000Km: loop.collisionsPer1000Km,
        closedLoopKm: loop.km,
        collisionRatio: coll.interval.ratio,
        collisionRatioLower95: coll.interval.lower,
        collisionRatioUpper95: coll.interval.upper,
        collisionRatioPoissonUpper95: coll.poisson.upper,
        nearMissesPer1000Km: ev('near_miss').ratePruned,
        nearMissRatioUpper95: ev('near_miss').interval.upper,
        cutInsPer1000Km: ev('cut_in').ratePruned,
        cutInRatioUpper95: ev('cut_in').interval.upper,
        offRoadPer1000Km: ev('off_road').ratePruned,
        hardBrakes: hard.pruned,
        hardBrakesPer1000Km: hard.ratePruned,
        hardBrakeRatio: hard.interval.ratio,
        hardBrakeRatioLower95: hard.interval.lower,
        hardBrakeRatioUpper95: hard.interval.upper,
        latencyB1MedianMs: lat[k].medianMs,
        latencyB1P99Ms: lat[k].p99Ms,
        guardAccepted: sum.accepted,
        guardRejected: sum.rejected,
        finetuneEpochs: c.epochs,
      });
      log(
        `${c.name}: test agreement ${(100 * off.agreement).toFixed(2)}%, brake recall ${(100 * off.brakeRecall).toFixed(2)}%; ` +
          `closed loop ${(100 * loop.agreement).toFixed(2)}%, ${loop.collisionsPer1000Km.toFixed(2)} coll/1000 km`,
      );
    }
    const base = rows[0];
    const st = rows[1];
    const goals: Goal[] = [
      {
        name: 'macs_reduction_structured',
        value: base.macs / st.macs,
        target: r.structured.macsReduction,
        op: '>=',
      },
      {
        name: 'metric_rel_drop_structured',
        value: (base.testAgreement - st.testAgreement) / base.testAgreement,
        target: 0.01,
        op: '<=',
      },
      {
        name: 'brake_recall_drop_structured',
        value: base.testBrakeRecall - st.testBrakeRecall,
        target: r.guard.maxDrop,
        op: '<=',
      },
      {
        // The sequential test's bound (each look at the Bonferroni-corrected confidence, so at
        // least 95 % overall): at or above the rows' fixed-sample 95 % bound on the same worlds.
        name: 'collision_rate_ratio_upper95',
        value: testVerdict.events[0].interval.upper,
        target: r.safety.maxRatio,
        op: '<=',
      },
      { name: 'km_driven', value: Math.min(base.closedLoopKm, st.closedLoopKm), target: 5000, op: '>=' },
    ];
    const seconds = (performance.now() - t0) / 1000;
    const doc: ResultDoc = {
      name: r.name,
      env: {
        ...baseEnv(tf.getBackend()),
        seed: r.seed,
        metric: 'agreement with the expert on the test demonstrations',
        safetyMetric: 'brake recall',
        safetyBefore: base.testBrakeRecall,
        safetyAfterStructured: st.testBrakeRecall,
        expertCollisionsPer1000Km: expert.collisionsPer1000Km,
        structuredGuardLog: candidates[1].log,
        closedLoopTest: {
          scenarios: testVerdict.scenarios,
          batch: r.closedLoop.worlds,
          cap: r.closedLoop.maxWorlds,
          egosPerWorld: r.closedLoop.egos,
          hardBrake: { threshold: r.closedLoop.hardBrake, window: r.closedLoop.hardBrakeWindow },
          test: r.safety.test,
          confidence: r.safety.confidence,
          sequential: testVerdict,
          structured: verdicts[1],
        },
        closedLoopSearch: {
          passed: search.passed,
          candidate: search.candidate,
          steps: search.steps,
        },
        pipelineSeconds: seconds,
        loadAverage1m: loadAtStart,
      },
      rows: rows as unknown as Record<string, unknown>[],
      goals,
    };
    const report = exampleReport(
      doc,
      rows,
      (row) => (row as ModelRow).testAgreement,
      collisionSection(
        r.safety,
        'km',
        1000,
        [
          ...rows.map((q) => ({
            model: q.model,
            exposure: q.closedLoopKm,
            events: Math.round((q.collisionsPer1000Km * q.closedLoopKm) / 1000),
            rate: q.collisionsPer1000Km,
            ratio: q.collisionRatio,
            lower: q.collisionRatioLower95,
            upper: q.collisionRatioUpper95,
          })),
          sequentialRow(st.model, testVerdict, st.closedLoopKm, r.closedLoop.worlds),
        ],
        search.steps,
        [
          {
            event: 'hard_brake',
            rows: rows.map((q) => ({
              model: q.model,
              exposure: q.closedLoopKm,
              events: q.hardBrakes,
              rate: q.hardBrakesPer1000Km,
              ratio: q.hardBrakeRatio,
              lower: q.hardBrakeRatioLower95,
              upper: q.hardBrakeRatioUpper95,
            })),
          },
        ],
      ),
    );
    return {
      doc,
      report,
      markdown: renderMarkdown(
        doc,
        rows,
        candidates.map((c) => c.log),
        expert,
        search.steps,
      ),
      seconds,
    };
  } finally {
    for (const s of splits) disposeSplit(s);
    for (const m of made) m.dispose();
  }
}
