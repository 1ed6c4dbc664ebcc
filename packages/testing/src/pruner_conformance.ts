import * as tf from '@tensorflow/tfjs-core';
import {
  type MaskSet,
  type ModelGraph,
  maskZeros,
  type PrunePlan,
  type PruneResult,
  type Pruner,
} from '@prunekit/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScorerFixture } from './scorer_conformance.js';

/** Options of describePrunerConformance(): the fixture, whether the pruner returns masks or a new model, and the steps checked. */
export interface PrunerConformanceOptions {
  /** Builds a fresh graph for each test (a pruner writes into its model). */
  readonly fixture: () => ScorerFixture | Promise<ScorerFixture>;
  /** 'masks': weight-level pruning in place; 'channels': structured pruning returning a new model. */
  readonly kind: 'masks' | 'channels';
  /** Steps to run in order (default [0]); for 'masks', sparsity must not fall along them. */
  readonly steps?: readonly number[];
  /**
   * The structure every mask must have, in the [out, in] kernel view sparse kernels use
   * (row = last axis): exactly n kept in every run of m inputs ('nm'), or whole rows×cols
   * blocks ('block'). Also checks that the masks prune at most one unit (weight / block) more
   * than the plan's sparsity asks for, over all masks.
   */
  readonly pattern?:
    | { kind: 'element' }
    | { kind: 'nm'; n: number; m: number }
    | { kind: 'block'; rows: number; cols: number };
}

/** Violations of a mask pattern (empty when the mask has it). */
export function patternViolations(
  id: string,
  shape: readonly number[],
  keep: Uint8Array,
  pattern: NonNullable<PrunerConformanceOptions['pattern']>,
): string[] {
  if (pattern.kind === 'element') return [];
  const out = shape[shape.length - 1];
  const inner = keep.length / out;
  const bad: string[] = [];
  if (pattern.kind === 'nm') {
    for (let o = 0; o < out; o++) {
      for (let g = 0; g < inner; g += pattern.m) {
        let kept = 0;
        for (let j = 0; j < pattern.m; j++) kept += keep[(g + j) * out + o];
        if (kept !== pattern.n) bad.push(`${id}: row ${o}, inputs ${g}..${g + pattern.m - 1} keep ${kept}`);
      }
    }
    return bad;
  }
  for (let o0 = 0; o0 < out; o0 += pattern.rows) {
    for (let i0 = 0; i0 < inner; i0 += pattern.cols) {
      let kept = 0;
      for (let o = o0; o < o0 + pattern.rows; o++)
        for (let i = i0; i < i0 + pattern.cols; i++) kept += keep[i * out + o];
      if (kept !== 0 && kept !== pattern.rows * pattern.cols)
        bad.push(`${id}: block (${o0}, ${i0}) partly kept (${kept})`);
    }
  }
  return bad;
}

function planKey(p: PrunePlan): unknown {
  return {
    kind: p.kind,
    step: p.step,
    sparsity: p.sparsity,
    masks: p.kind === 'masks' ? [...p.masks].map(([id, m]) => [id, Array.from(m.data)]) : null,
    channels: p.kind === 'channels' ? [...p.channels].map(([id, c]) => [id, [...c]]) : null,
  };
}

function snapshot(graph: ModelGraph): number[][] {
  return graph.params().map((p) => Array.from(graph.weights.values(p.id)));
}

function disposeModel(r: PruneResult): void {
  const m = r.kind === 'channels' ? (r.model as { dispose?: () => unknown } | undefined) : undefined;
  if (m && typeof m.dispose === 'function') m.dispose();
}

function masksOf(r: PruneResult): MaskSet {
  expect(r.kind).toBe('masks');
  return r.kind === 'masks' ? r.masks : new Map();
}

/**
 * The contract every Pruner meets: plan() is pure (weights untouched) and deterministic for the
 * same seed; apply() reports a sparsity in [0, 1] and, for weight-level pruners, masks whose zeros
 * are exact zeros of the weights and only grow along the steps; nothing leaks tensors.
 */
export function describePrunerConformance(
  name: string,
  makePruner: (graph: ModelGraph, seed: number) => Pruner,
  opts: PrunerConformanceOptions,
): void {
  const steps = opts.steps ?? [0];
  describe(`Pruner conformance: ${name}`, () => {
    const open: ScorerFixture[] = [];
    const fixture = async () => {
      const fx = await opts.fixture();
      open.push(fx);
      return fx;
    };
    afterEach(() => {
      for (const fx of open.splice(0)) fx.dispose?.();
    });

    it('plan() leaves the weights untouched and is deterministic under a seed', async () => {
      const a = await fixture();
      const b = await fixture();
      const before = snapshot(a.graph);
      const pa = await makePruner(a.graph, 5).plan(steps[0]);
      expect(snapshot(a.graph)).toEqual(before);
      const pb = await makePruner(b.graph, 5).plan(steps[0]);
      expect(planKey(pb)).toEqual(planKey(pa));
      expect(pa.sparsity).toBeGreaterThanOrEqual(0);
      expect(pa.sparsity).toBeLessThanOrEqual(1);
    });

    it('apply() reports a sparsity in [0, 1] and keeps its promises along the steps', async () => {
      const fx = await fixture();
      const pruner = makePruner(fx.graph, 5);
      let last = 0;
      let prevZeros = new Map<string, Set<number>>();
      for (const step of steps) {
        const res = await pruner.apply(await pruner.plan(step));
        expect(res.sparsity).toBeGreaterThanOrEqual(0);
        expect(res.sparsity).toBeLessThanOrEqual(1);
        expect(res.plan.step).toBe(step);
        expect(res.kind).toBe(opts.kind);
        expect(pruner.ownership).toBe(opts.kind === 'masks' ? 'in-place' : 'new-model');
        if (opts.kind === 'masks') {
          expect(res.sparsity).toBeGreaterThanOrEqual(last - 1e-12);
          const zeros = new Map<string, Set<number>>();
          for (const [id, m] of masksOf(res)) {
            const w = fx.graph.weights.values(id);
            const z = new Set<number>();
            m.data.forEach((k, i) => {
              if (k === 0) z.add(i);
            });
            expect([...z].filter((i) => w[i] !== 0)).toEqual([]);
            expect([...(prevZeros.get(id) ?? [])].filter((i) => !z.has(i))).toEqual([]);
            zeros.set(id, z);
          }
          prevZeros = zeros;
        } else {
          expect(res.kind === 'channels' && res.model).toBeTruthy();
          disposeModel(res);
        }
        last = res.sparsity;
      }
    });

    if (opts.pattern && opts.kind === 'masks') {
      const pattern = opts.pattern;
      it(`masks have the ${pattern.kind} pattern and never overshoot the sparsity by more than one unit`, async () => {
        const fx = await fixture();
        const pruner = makePruner(fx.graph, 5);
        for (const step of steps) {
          const plan = await pruner.plan(step);
          const res = await pruner.apply(plan);
          const bad: string[] = [];
          let zeros = 0;
          let total = 0;
          for (const [id, m] of masksOf(res)) {
            bad.push(...patternViolations(id, m.shape, m.data, pattern));
            total += m.data.length;
            zeros += maskZeros(m);
          }
          expect(bad).toEqual([]);
          const unit = pattern.kind === 'block' ? pattern.rows * pattern.cols : 1;
          expect(zeros).toBeLessThanOrEqual(Math.round(plan.sparsity * total) + unit * masksOf(res).size);
        }
      });
    }

    it('leaves no tensors behind', async () => {
      const fx = await fixture();
      const pruner = makePruner(fx.graph, 5);
      const before = tf.memory().numTensors;
      for (const step of steps) disposeModel(await pruner.apply(await pruner.plan(step)));
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}
