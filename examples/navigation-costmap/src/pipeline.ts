/**
 * The run of `pnpm start`: demonstrations and held-out maps → structured (channel) pruning to the
 * recipe's MACs target and unstructured pruning at each level, all under the collision-rate guard
 * → fine-tune → offline agreement and closed-loop rollouts → batch-1 latency → results document.
 * Pure orchestration (files are written by the caller), so a test runs it on a tiny recipe.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Goal, MaskSet, ResultDoc } from '@prunekit/core';
import {
  type ExampleResult,
  collisionSection,
  exampleReport,
  type PipelineRun,
  sequentialRow,
} from '@prunekit/example-kit';
import { batch1Latency } from '@prunekit/recipe';
import { baseEnv, exportStage } from '@prunekit/recipe/node';
import { buildGraph, cloneModel } from '@prunekit/layers';
import {
  type ClosedLoopVerdict,
  type GuardLog,
  guard,
  guardedUnstructuredPrune,
  guardSummary,
} from '@prunekit/pruners';
import { magnitude } from '@prunekit/scorers';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type ClosedLoopEval, closedLoop, expertPolicy, modelPolicy } from './closed_loop.js';
import { daggerFineTune } from './dagger.js';
import { agreement, disposeSplit, type Split, toSplit } from './data.js';
import { recoveredCollisionRate } from './guard_metric.js';
import type { Recipe } from './recipe.js';
import { renderMarkdown } from './report.js';
import type { MapParams } from './sim/params.js';
import { demonstrations, rolloutEpisodes, type SplitName } from './splits.js';
import { checkOnTest, compareWithBaseline, searchStructured } from './safety.js';
import { channelSettings, pruneToMacs } from './structured.js';

export interface PipelineOptions extends PipelineRun<Recipe> {
  readonly params: MapParams;
}

export interface ModelRow {
  readonly model: string;
  readonly method: 'none' | 'structured' | 'unstructured';
  readonly level: number;
  /** Test maps this row drove (the sequential test's for the baseline and structured rows). */
  readonly maps: number;
  readonly params: number;
  readonly nonzeroParams: number;
  readonly macs: number;
  /** MACs that touch a nonzero weight. */
  readonly effectiveMacs: number;
  readonly fileBytes: number;
  /** Offline: share of test demonstration states where the policy picks the expert's heading. */
  readonly testAgreement: number;
  readonly successRate: number;
  readonly collisionRate: number;
  readonly collisions: number;
  /** Collision rate / the baseline's on the same test maps, with its 95 % interval (the recipe's test). */
  readonly collisionRatio: number;
  readonly collisionRatioLower95: number;
  readonly collisionRatioUpper95: number;
  /** The exact conditional Poisson upper bound beside it. */
  readonly collisionRatioPoissonUpper95: number;
  readonly timeoutRate: number;
  /** Near misses (fewer than one legal step ahead on the heading, once per encounter) per 100 episodes, with the ratio's 95 % interval. */
  readonly nearMissesPer100: number;
  readonly nearMissRatio: number;
  readonly nearMissRatioLower95: number;
  readonly nearMissRatioUpper95: number;
  readonly lengthRatio: number;
  readonly revisitsPerEpisode: number;
  readonly closedLoopAgreement: number;
  /** Guard metric (validation collision rate after recovery) right after pruning. */
  readonly valCollisionPruned: number;
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
  readonly guardValue: number;
  epochs: number;
  /** Already fine-tuned (by the closed-loop search). */
  readonly tuned?: boolean;
}

/**
 * Episodes the baseline reached and the structured model did not (lost) and the reverse (won), and
 * the standard error of the success-rate difference in points (McNemar: √(lost + won) / n).
 */
export function pairedSuccess(a: Uint8Array, b: Uint8Array): { lost: number; won: number; sePoints: number } {
  let lost = 0;
  let won = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] > b[i]) lost++;
    if (b[i] > a[i]) won++;
  }
  return { lost, won, sePoints: (100 * Math.sqrt(lost + won)) / a.length };
}

export async function runPipeline(opts: PipelineOptions): Promise<PipelineResult> {
  const t0 = performance.now();
  const loadAtStart = loadavg()[0];
  const log = opts.log ?? (() => {});
  const { recipe: r, params: p, baseline } = opts;
  const { radius } = r.observation;
  const rollout = { radius, stepLimit: r.closedLoop.stepLimit };
  const splits: Split[] = [];
  const made: tfl.LayersModel[] = [];
  const split = (name: SplitName, episodes: number) => {
    const s = toSplit(demonstrations(p, r.seed, name, episodes, radius, r.data.offPath));
    splits.push(s);
    return s;
  };
  try {
    const ftDemo = demonstrations(p, r.seed, 'finetune', r.data.finetune, radius, r.data.offPath);
    const ftMaps = rolloutEpisodes(p, r.seed, 'finetune', r.data.finetune * r.finetune.daggerRounds);
    const val = split('val', r.data.val);
    const test = split('test', r.data.test);
    const recovery = split('finetune', r.guard.recovery.episodes);
    log(`data: ${ftDemo.count} fine-tuning, ${val.count} validation, ${test.count} test states`);
    // The offline guard rolls out the first guard.episodes validation maps; the closed-loop guard the ones after.
    const valMaps = rolloutEpisodes(p, r.seed, 'val', r.guard.episodes + r.safety.guardEpisodes);
    const testMaps = rolloutEpisodes(p, r.seed, 'test', r.closedLoop.episodes);
    const safety = guard({
      metric: r.guard.metric,
      maxDrop: r.guard.maxDrop,
      direction: 'lower',
      evaluate: recoveredCollisionRate({
        episodes: valMaps.slice(0, r.guard.episodes),
        rollout,
        data: recovery,
        val,
        epochs: r.guard.recovery.epochs,
        lr: r.guard.recovery.lr,
        batchSize: r.finetune.batchSize,
        seed: r.seed,
        teacher: baseline,
      }),
    });
    const candidates: Candidate[] = [
      {
        name: 'baseline',
        method: 'none',
        level: 0,
        model: baseline,
        guardValue: await safety.measure(baseline),
        epochs: 0,
      },
    ];
    log(
      `guard reference: validation collision rate ${(100 * candidates[0].guardValue).toFixed(2)}% after recovery`,
    );
    const s = await pruneToMacs(baseline, r, safety, log);
    const search = await searchStructured({
      baseline,
      recipe: r,
      rollout,
      valMaps,
      offline: safety,
      settings: (q, scope) => ({ ...channelSettings(r, q), ...(scope ? { scope } : {}) }),
      first: s,
      ftDemo,
      ftMaps,
      val,
      log: (l) => log(`  closed-loop search: ${l}`),
    });
    made.push(search.model);
    const stRatio = search.options.ratio ?? s.ratio;
    candidates.push({
      name: `structured-${Math.round(stRatio * 100)}`,
      method: 'structured',
      level: stRatio,
      model: search.model,
      log: search.offlineLog,
      guardValue: search.offlineLog?.final ?? Number.NaN,
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
      const { accepted, rejected } = guardSummary(g.log);
      log(`unstructured ${level}: guard kept ${accepted}, rolled back ${rejected} layer steps`);
      candidates.push({
        name: `unstructured-${Math.round(level * 100)}`,
        method: 'unstructured',
        level,
        model: m,
        masks: g.masks,
        log: g.log,
        guardValue: g.log.final,
        epochs: 0,
      });
    }
    // The control: the unpruned policy through the same fine-tune (DAgger round included).
    const control = await cloneModel(baseline);
    made.push(control);
    candidates.push({
      name: 'baseline-finetuned',
      method: 'none',
      level: 0,
      model: control,
      guardValue: candidates[0].guardValue,
      epochs: 0,
    });
    for (const c of candidates.slice(1)) {
      if (r.finetune.epochs === 0 || c.tuned) continue;
      const res = await daggerFineTune(c.model, {
        demos: ftDemo,
        maps: ftMaps,
        rounds: r.finetune.daggerRounds,
        rollout,
        val,
        fit: {
          ...r.finetune,
          masks: c.masks,
          teacher: baseline,
          seed: r.seed,
          log: (l) => log(`  ${c.name} ${l}`),
        },
      });
      log(`  ${c.name}: ${ftDemo.count} demonstrations + ${res.visited} states it visited (DAgger)`);
      c.epochs = res.epochs;
    }
    const seq = await checkOnTest(search.model, baseline, testMaps, rollout, r);
    const testVerdict = seq.verdict;
    log(`test: ${testVerdict.message}`);
    // The baseline and the structured model: the sequential test's own rollouts, on all the maps it
    // used. The other rows (not goals) drive its first look's maps, compared with the baseline there.
    const driven = testMaps.slice(0, testVerdict.scenarios);
    const firstLook = testMaps.slice(0, seq.first.episodes);
    const expert = closedLoop(expertPolicy, firstLook, rollout);
    const lat = batch1Latency(
      candidates.map((c) => c.model),
      test.x,
      r.latency.reps,
    );
    const rows: ModelRow[] = [];
    const reached: Uint8Array[] = [];
    const verdicts: ClosedLoopVerdict[] = [];
    for (const [k, c] of candidates.entries()) {
      const loop: ClosedLoopEval =
        k === 0
          ? seq.dense
          : k === 1
            ? seq.model
            : closedLoop(modelPolicy(c.model, radius), firstLook, rollout);
      reached.push(loop.reached);
      const v = compareWithBaseline(loop, k < 2 ? seq.dense : seq.first, r);
      verdicts.push(v);
      log(`  ${c.name}: ${loop.episodes} test maps driven`);
      const coll = v.events[0];
      const near = v.events.find((e) => e.event === 'near_miss');
      const size = await exportStage(c.model, join(opts.outDir, c.name));
      const sum = c.log ? guardSummary(c.log) : { accepted: 0, rejected: 0 };
      const row: ModelRow = {
        model: c.name,
        method: c.method,
        level: c.level,
        maps: loop.episodes,
        ...size,
        testAgreement: agreement(c.model, test),
        successRate: loop.successRate,
        collisionRate: loop.collisionRate,
        collisions: coll.pruned,
        collisionRatio: coll.interval.ratio,
        collisionRatioLower95: coll.interval.lower,
        collisionRatioUpper95: coll.interval.upper,
        collisionRatioPoissonUpper95: coll.poisson.upper,
        timeoutRate: loop.timeoutRate,
        nearMissesPer100: near?.ratePruned ?? Number.NaN,
        nearMissRatio: near?.interval.ratio ?? Number.NaN,
        nearMissRatioLower95: near?.interval.lower ?? Number.NaN,
        nearMissRatioUpper95: near?.interval.upper ?? Number.NaN,
        lengthRatio: loop.lengthRatio,
        revisitsPerEpisode: loop.revisitsPerEpisode,
        closedLoopAgreement: loop.agreement,
        valCollisionPruned: c.guardValue,
        latencyB1MedianMs: lat[k].medianMs,
        latencyB1P99Ms: lat[k].p99Ms,
        guardAccepted: sum.accepted,
        guardRejected: sum.rejected,
        finetuneEpochs: c.epochs,
      };
      rows.push(row);
      log(
        `${c.name}: success ${(100 * row.successRate).toFixed(1)}%, collisions ${(100 * row.collisionRate).toFixed(1)}%, ` +
          `length ×${row.lengthRatio.toFixed(3)}, agreement ${(100 * row.testAgreement).toFixed(2)}%`,
      );
    }
    const [base, st] = rows;
    const paired = pairedSuccess(reached[0], reached[1]);
    const goals: Goal[] = [
      {
        name: 'macs_reduction_structured',
        value: base.macs / st.macs,
        target: r.structured.macsReduction,
        op: '>=',
      },
      {
        name: 'success_drop_points_structured',
        value: 100 * (base.successRate - st.successRate),
        target: r.goals.successDropPoints,
        op: '<=',
      },
      {
        name: 'collision_rate_drop_structured',
        value: st.collisionRate - base.collisionRate,
        target: r.goals.collisionRise,
        op: '<=',
      },
      {
        // The sequential test's bound (each look at the Bonferroni-corrected confidence, so at
        // least 95 % overall): at or above the rows' fixed-sample 95 % bound on the same maps.
        name: 'collision_rate_ratio_upper95',
        value: testVerdict.events[0].interval.upper,
        target: r.safety.maxRatio,
        op: '<=',
      },
      { name: 'maps_driven', value: driven.length, target: 5000, op: '>=' },
    ];
    const seconds = (performance.now() - t0) / 1000;
    const doc: ResultDoc = {
      name: r.name,
      env: {
        ...baseEnv(tf.getBackend()),
        seed: r.seed,
        metric: `closed-loop success rate on ${driven.length} held-out maps (points)`,
        safetyMetric: 'closed-loop collision rate',
        safetyBefore: base.collisionRate,
        safetyAfterStructured: st.collisionRate,
        expertSuccessRate: expert.successRate,
        expertEpisodes: expert.episodes,
        finetunedBaselineSuccessRate: rows[rows.length - 1].successRate,
        testEpisodes: driven.length,
        pairedSuccessStructured: paired,
        structuredGuardLog: candidates[1].log,
        closedLoopTest: {
          scenarios: driven.length,
          batch: r.closedLoop.batch,
          cap: r.closedLoop.episodes,
          test: r.safety.test,
          confidence: r.safety.confidence,
          sequential: testVerdict,
          structured: verdicts[1],
        },
        closedLoopSearch: { passed: search.passed, candidate: search.candidate, steps: search.steps },
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
        'episode',
        100,
        [
          ...rows.map((x) => ({
            model: x.model,
            exposure: x.maps,
            events: x.collisions,
            rate: 100 * x.collisionRate,
            ratio: x.collisionRatio,
            lower: x.collisionRatioLower95,
            upper: x.collisionRatioUpper95,
          })),
          sequentialRow(st.model, testVerdict, driven.length, r.closedLoop.batch),
        ],
        search.steps,
        [
          {
            event: 'near_miss',
            rows: rows.map((x) => ({
              model: x.model,
              exposure: x.maps,
              events: Math.round((x.nearMissesPer100 * x.maps) / 100),
              rate: x.nearMissesPer100,
              ratio: x.nearMissRatio,
              lower: x.nearMissRatioLower95,
              upper: x.nearMissRatioUpper95,
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
        r,
        search.steps,
      ),
      seconds,
    };
  } finally {
    for (const sp of splits) disposeSplit(sp);
    for (const m of made) m.dispose();
  }
}
