import * as tf from '@tensorflow/tfjs-core';
import {
  type Batch,
  type DependencyGroup,
  PrunekitError,
  type ModelGraph,
  type ScoreContext,
  type Scorer,
  type Scores,
  createRng,
  sizeOf,
  needsCalibration,
} from '@prunekit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceGraph } from './conformance_graph.js';

/** What the suite scores: a graph, optionally its dependency groups, and how to release it. */
export interface ScorerFixture {
  readonly graph: ModelGraph;
  readonly groups?: readonly DependencyGroup[];
  dispose?(): void;
}

/** Options of describeScorerConformance(): the fixture, whether groups are scored, the context, the seed and whether data is required. */
export interface ScorerConformanceOptions {
  /** Builds the graph to score (default: @prunekit/testing's conformanceGraph, with groups). */
  readonly fixture?: () => ScorerFixture | Promise<ScorerFixture>;
  /** Whether the scorer scores dependency groups (one score per channel). Default true. */
  readonly groups?: boolean;
  /** Extra context (data, stats) the scorer needs, built from the graph. */
  readonly context?: (graph: ModelGraph) => Partial<ScoreContext> | Promise<Partial<ScoreContext>>;
  /** Seed handed to makeScorer and the context's rng. Default 7. */
  readonly seed?: number;
  /**
   * The scorer cannot work without calibration data: the suite checks that scoring with a bare
   * context (no data, no statistics) throws a typed PrunekitError. Default: `needs` has more than 'weights' (data or statistics).
   */
  readonly requiresData?: boolean;
}

/**
 * Seeded calibration batches for a model: inputs uniform in [-1, 1) of the model's input shape,
 * one-hot labels over `classes`. The caller disposes them (disposeBatches).
 */
export function calibrationBatches(
  inputShape: readonly number[],
  classes: number,
  opts: { batches?: number; batchSize?: number; seed?: number } = {},
): Batch[] {
  const rng = createRng(opts.seed ?? 1);
  const n = opts.batchSize ?? 8;
  const out: Batch[] = [];
  for (let b = 0; b < (opts.batches ?? 2); b++) {
    const size = n * sizeOf(inputShape);
    const x = new Float32Array(size);
    for (let i = 0; i < size; i++) x[i] = rng.next() * 2 - 1;
    const y = new Float32Array(n * classes);
    for (let i = 0; i < n; i++) y[i * classes + rng.int(classes)] = 1;
    out.push({ x: tf.tensor(x, [n, ...inputShape]), y: tf.tensor(y, [n, classes]) });
  }
  return out;
}

/** Disposes the tensors of calibration batches. */
export function disposeBatches(batches: readonly Batch[]): void {
  for (const b of batches) {
    tf.dispose(Array.isArray(b.x) ? b.x : [b.x]);
    if (b.y) tf.dispose(Array.isArray(b.y) ? b.y : [b.y]);
  }
}

function allFinite(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

/**
 * The contract every Scorer implementation meets (run it from the implementation's own tests):
 * one finite score per weight in the parameter's shape, one per channel for groups, the same
 * scores for the same seed, and no tensors left behind.
 */
export function describeScorerConformance(
  name: string,
  makeScorer: (seed: number) => Scorer,
  opts: ScorerConformanceOptions = {},
): void {
  const seed = opts.seed ?? 7;
  describe(`Scorer conformance: ${name}`, () => {
    let fx: ScorerFixture;
    let extra: Partial<ScoreContext> = {};
    const ctx = (): ScoreContext => ({ ...extra, graph: fx.graph, rng: createRng(seed) });
    const scoreAllWeights = async (scorer: Scorer, c: ScoreContext): Promise<Scores[]> => {
      const out: Scores[] = [];
      for (const param of fx.graph.params()) out.push(await scorer.score({ kind: 'weight', param }, c));
      return out;
    };

    beforeAll(async () => {
      fx = await (opts.fixture ?? conformanceGraph)();
      extra = opts.context ? await opts.context(fx.graph) : {};
    });
    afterAll(() => {
      if (Array.isArray(extra.data)) disposeBatches(extra.data as Batch[]);
      fx?.dispose?.();
    });

    it('has a name and declares its needs', () => {
      const s = makeScorer(seed);
      expect(typeof s.name).toBe('string');
      expect(s.name.length).toBeGreaterThan(0);
      expect(Array.isArray(s.needs)).toBe(true);
    });

    it('gives one finite score per weight, in the parameter shape', async () => {
      const scorer = makeScorer(seed);
      const params = fx.graph.params();
      expect(params.length).toBeGreaterThan(0);
      const scores = await scoreAllWeights(scorer, ctx());
      scores.forEach((s, i) => {
        const p = params[i];
        expect(s.kind).toBe('weight');
        if (s.kind !== 'weight') return;
        expect(s.param).toBe(p.id);
        expect([...s.shape]).toEqual([...p.shape]);
        expect(s.values).toBeInstanceOf(Float32Array);
        expect(s.values.length).toBe(sizeOf(p.shape));
        expect(allFinite(s.values)).toBe(true);
      });
    });

    if (opts.requiresData ?? needsCalibration(makeScorer(seed))) {
      it('refuses, with a typed error, to score without calibration data', async () => {
        const scorer = makeScorer(seed);
        const bare: ScoreContext = { graph: fx.graph, rng: createRng(seed) };
        const param = fx.graph.params((p) => p.prunable)[0] ?? fx.graph.params()[0];
        await expect(scorer.score({ kind: 'weight', param }, bare)).rejects.toBeInstanceOf(PrunekitError);
      });
    }

    it('is deterministic under the same seed', async () => {
      const a = await scoreAllWeights(makeScorer(seed), ctx());
      const b = await scoreAllWeights(makeScorer(seed), ctx());
      expect(b.map((s) => Array.from(s.values))).toEqual(a.map((s) => Array.from(s.values)));
    });

    it('does not write to the weights', async () => {
      const before = fx.graph.params().map((p) => Array.from(fx.graph.weights.values(p.id)));
      await scoreAllWeights(makeScorer(seed), ctx());
      expect(fx.graph.params().map((p) => Array.from(fx.graph.weights.values(p.id)))).toEqual(before);
    });

    it('leaves no tensors behind', async () => {
      const scorer = makeScorer(seed);
      const c = ctx();
      const before = tf.memory().numTensors;
      await scoreAllWeights(scorer, c);
      if (opts.groups !== false) {
        for (const group of fx.groups ?? []) await scorer.score({ kind: 'group', group }, c);
      }
      expect(tf.memory().numTensors).toBe(before);
    });

    if (opts.groups !== false) {
      it('gives one finite score per channel of each group', async () => {
        const groups = fx.groups ?? [];
        expect(groups.length).toBeGreaterThan(0);
        const scorer = makeScorer(seed);
        for (const group of groups) {
          const s = await scorer.score({ kind: 'group', group }, ctx());
          expect(s.kind).toBe('group');
          if (s.kind !== 'group') continue;
          expect(s.group).toBe(group.id);
          expect(s.values.length).toBe(group.size);
          expect(allFinite(s.values)).toBe(true);
        }
      });

      it('scores groups deterministically under the same seed', async () => {
        const run = async () => {
          const scorer = makeScorer(seed);
          const out: number[][] = [];
          for (const group of fx.groups ?? [])
            out.push(Array.from((await scorer.score({ kind: 'group', group }, ctx())).values));
          return out;
        };
        expect(await run()).toEqual(await run());
      });
    }
  });
}
