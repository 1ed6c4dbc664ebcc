import {
  type CalibrationStats,
  InvalidArgumentError,
  type ParamInfo,
  type ScoreContext,
  type Scorer,
} from '@prunekit/core';
import { assertFinite } from './finite.js';
import { checkOption, sumAlongAxis } from './group_scores.js';
import { type GroupOptions, elementwiseScorer, groupOptions, statOf } from './scorer_kit.js';

/** |g|: the mean gradient's magnitude over the calibration data (how strongly the loss pulls on a weight). */
export function gradientMagnitude(opts: GroupOptions = {}): Scorer {
  const name = 'gradient-magnitude';
  return elementwiseScorer(
    {
      name,
      needs: ['gradients'],
      element: (p, _ctx, st) => Float32Array.from(statOf(st.gradients, p.id, p), Math.abs),
    },
    groupOptions(name, opts),
  );
}

/** Options of taylor: group options, and how a channel's w·g terms combine. */
export interface TaylorOptions extends GroupOptions {
  /**
   * How a channel's weights combine: 'abs-sum' |Σ w·g| (Molchanov et al. 2019: first-order loss
   * change when the whole channel goes; default) or 'sum-abs' Σ |w·g|.
   */
  readonly channel?: 'abs-sum' | 'sum-abs';
}

/** Taylor first order |w·g| per weight; per channel the group Taylor estimate (see `channel`). */
export function taylor(opts: TaylorOptions = {}): Scorer {
  const name = 'taylor';
  const channel = checkOption(`${name}: channel`, opts.channel ?? 'abs-sum', ['abs-sum', 'sum-abs'] as const);
  const wg = (ctx: ScoreContext, st: CalibrationStats, p: ParamInfo): Float32Array => {
    const w = ctx.graph.weights.values(p.id);
    assertFinite(p.id, w);
    const g = statOf(st.gradients, p.id, p);
    for (let i = 0; i < w.length; i++) w[i] *= g[i];
    return w;
  };
  return elementwiseScorer(
    {
      name,
      needs: ['weights', 'gradients'],
      element: (p, ctx, st) => Float32Array.from(wg(ctx, st, p), Math.abs),
      memberChannel:
        channel === 'sum-abs'
          ? undefined
          : (m, p, size, ctx, st) => {
              const perIndex = sumAlongAxis(wg(ctx, st, p), p.shape, m.axis, (v) => v);
              const out = new Float64Array(size);
              for (let c = 0; c < size; c++) {
                let s = 0;
                for (let k = 0; k < m.repeat; k++) s += perIndex[m.offset + c * m.scale + k * m.stride];
                out[c] = Math.abs(s);
              }
              return out;
            },
    },
    groupOptions(name, opts),
  );
}

/**
 * SNIP (Lee et al. 2019), connection sensitivity: |w·g| / Σ|w·g| over every parameter with a
 * gradient. Meant for a model at initialisation with one or a few calibration batches; the
 * normalisation makes scores of different runs comparable (it does not change a ranking).
 */
export function snip(opts: GroupOptions = {}): Scorer {
  const name = 'snip';
  // Σ|w·g| once per context (one plan / one scoring pass), not once per target.
  const totals = new WeakMap<object, number>();
  return elementwiseScorer(
    {
      name,
      needs: ['weights', 'gradients'],
      element: (p, ctx, st) => {
        let total = totals.get(ctx);
        if (total === undefined) {
          total = 0;
          for (const q of ctx.graph.params()) {
            const w = ctx.graph.weights.values(q.id);
            const g = statOf(st.gradients, q.id, q);
            for (let i = 0; i < w.length; i++) total += Math.abs(w[i] * g[i]);
          }
          totals.set(ctx, total);
        }
        const w = ctx.graph.weights.values(p.id);
        assertFinite(p.id, w);
        const g = statOf(st.gradients, p.id, p);
        const d = total > 0 ? total : 1;
        for (let i = 0; i < w.length; i++) w[i] = Math.abs(w[i] * g[i]) / d;
        return w;
      },
    },
    groupOptions(name, opts),
  );
}

/** Options of fisher: group options, and whether E[g²] is weighted by ½w². */
export interface FisherOptions extends GroupOptions {
  /** ½·E[g²]·w² (the loss increase of removing a weight under the Fisher approximation; default) or E[g²] alone. */
  readonly weighted?: boolean;
}

/** Fisher information: accumulated squared gradients E[g²] over the calibration batches (× ½w² by default). */
export function fisher(opts: FisherOptions = {}): Scorer {
  const name = 'fisher';
  const weighted = opts.weighted ?? true;
  return elementwiseScorer(
    {
      name,
      needs: ['weights', 'squaredGradients'],
      element: (p, ctx, st) => {
        const f = Float32Array.from(statOf(st.squaredGradients, p.id, p));
        if (!weighted) return f;
        const w = ctx.graph.weights.values(p.id);
        assertFinite(p.id, w);
        for (let i = 0; i < f.length; i++) f[i] = 0.5 * f[i] * w[i] * w[i];
        return f;
      },
    },
    groupOptions(name, opts),
  );
}

/** Options of hessian: group options and the Hutchinson probes, seed and difference step. */
export interface HessianOptions extends GroupOptions {
  /** Rademacher probes of the Hutchinson estimate. Default 16. */
  readonly probes?: number;
  /** Seed of the probes. Default 0. */
  readonly seed?: number;
  /** Central-difference step of H·v. Default 1e-2. */
  readonly epsilon?: number;
}

/**
 * Optimal Brain Damage (LeCun et al. 1990): saliency ½·|h_ii|·w² with the Hessian diagonal h
 * estimated by Hutchinson's method from seeded Rademacher probes.
 */
export function obd(opts: HessianOptions = {}): Scorer {
  const name = 'obd';
  const probes = opts.probes ?? 16;
  const seed = opts.seed ?? 0;
  const epsilon = opts.epsilon ?? 1e-2;
  if (!Number.isInteger(probes) || probes < 1) {
    throw new InvalidArgumentError(`${name}: probes must be an integer ≥ 1, got ${JSON.stringify(probes)}.`, {
      field: 'probes',
    });
  }
  if (!Number.isInteger(seed) || seed < 0) {
    throw new InvalidArgumentError(
      `${name}: seed must be a non-negative integer, got ${JSON.stringify(seed)}.`,
      { field: 'seed' },
    );
  }
  if (!(epsilon > 0 && Number.isFinite(epsilon))) {
    throw new InvalidArgumentError(
      `${name}: epsilon must be a positive number, got ${JSON.stringify(epsilon)}.`,
      { field: 'epsilon' },
    );
  }
  return elementwiseScorer(
    {
      name,
      needs: ['weights', 'hessianDiagonal'],
      hessian: { probes, seed, epsilon },
      element: (p, ctx, st) => {
        const h = statOf(st.hessianDiagonal, p.id, p);
        const w = ctx.graph.weights.values(p.id);
        assertFinite(p.id, w);
        for (let i = 0; i < w.length; i++) w[i] = 0.5 * Math.abs(h[i]) * w[i] * w[i];
        return w;
      },
    },
    groupOptions(name, opts),
  );
}

/** The Hessian diagonal itself, |h_ii| (Hutchinson), as a score. */
export function hessianDiagonal(opts: HessianOptions = {}): Scorer {
  const base = obd(opts) as ReturnType<typeof elementwiseScorer>;
  const name = 'hessian-diagonal';
  return elementwiseScorer(
    {
      name,
      needs: ['hessianDiagonal'],
      ...(base.hessian ? { hessian: base.hessian } : {}),
      element: (p, _ctx, st) => Float32Array.from(statOf(st.hessianDiagonal, p.id, p), Math.abs),
    },
    groupOptions(name, opts),
  );
}
