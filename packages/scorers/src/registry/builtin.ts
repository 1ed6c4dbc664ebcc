/** The built-in scorers' registry entries: one line each (name, summary, options, factory). */
import { z } from 'zod';
import { apoz, meanActivation } from '../activation.js';
import { ablation } from '../attribution.js';
import { bnScale } from '../bn_scale.js';
import { fpgm } from '../fpgm.js';
import { fisher, gradientMagnitude, hessianDiagonal, obd, snip, taylor } from '../gradient_scorers.js';
import { lamp } from '../lamp.js';
import { magnitude } from '../magnitude.js';
import { random } from '../random.js';
import { regularized } from '../regularized.js';
import { wanda } from '../wanda.js';
import { defineScorer, groupOptionsSchema as group, type ScorerEntry, scorerOptions as o } from './define.js';

const positiveInt = z
  .number({ error: 'an integer ≥ 1' })
  .int({ error: 'an integer ≥ 1' })
  .min(1, { error: 'an integer ≥ 1' });
const hessian = group.extend({
  probes: positiveInt.optional(),
  seed: o.seed,
  epsilon: z.number({ error: 'a number > 0' }).positive({ error: 'a number > 0' }).optional(),
});

/**
 * The registry entries of prunekit's own scorers (magnitude, taylor, fisher, obd, …), with their
 * recipe option schemas.
 */
export const BUILTIN_SCORERS: readonly ScorerEntry[] = [
  defineScorer({
    name: 'magnitude',
    summary: '|w| or w² per weight; Lp norm per channel',
    options: group.extend({ p: o.p }),
    create: magnitude,
  }),
  defineScorer({
    name: 'random',
    summary: 'uniform random scores (the baseline to beat)',
    options: z.strictObject({ seed: o.seed }),
    create: random,
  }),
  defineScorer({
    name: 'taylor',
    summary: 'first-order Taylor |w·g| (needs data)',
    options: group.extend({ channel: z.enum(['abs-sum', 'sum-abs']).optional() }),
    create: taylor,
  }),
  defineScorer({
    name: 'snip',
    summary: 'SNIP connection sensitivity |w·g| at init (needs data)',
    options: group,
    create: snip,
  }),
  defineScorer({
    name: 'gradientMagnitude',
    summary: '|g| of the loss (needs data)',
    options: group,
    create: gradientMagnitude,
  }),
  defineScorer({
    name: 'fisher',
    summary: 'empirical Fisher ½·E[g²]·w² (needs data)',
    options: group.extend({ weighted: o.bias }),
    create: fisher,
  }),
  defineScorer({
    name: 'hessianDiagonal',
    summary: 'Hutchinson Hessian diagonal |h_ii| (needs data)',
    options: hessian,
    create: hessianDiagonal,
  }),
  defineScorer({
    name: 'obd',
    summary: 'Optimal Brain Damage ½·|h_ii|·w² (needs data)',
    options: hessian,
    create: obd,
  }),
  defineScorer({
    name: 'fpgm',
    summary: 'filter distance to the geometric median',
    options: group,
    create: fpgm,
  }),
  defineScorer({
    name: 'lamp',
    summary: 'layer-adaptive magnitude (LAMP)',
    options: group.omit({ normalizer: true }),
    create: lamp,
  }),
  defineScorer({
    name: 'bnScale',
    summary: 'BatchNorm |γ| (network slimming)',
    options: group,
    create: bnScale,
  }),
  defineScorer({
    name: 'wanda',
    summary: '|w|·‖x‖ of the input activations (needs data)',
    options: group,
    create: wanda,
  }),
  defineScorer({
    name: 'apoz',
    summary: 'average percentage of zero activations (needs data)',
    options: group,
    create: apoz,
  }),
  defineScorer({
    name: 'meanActivation',
    summary: 'mean |activation| of a channel (needs data)',
    options: group,
    create: meanActivation,
  }),
  defineScorer({
    name: 'ablation',
    summary: 'loss increase when a channel is removed (needs data)',
    options: group,
    create: ablation,
  }),
  defineScorer({
    name: 'regularized',
    summary: 'magnitude after sparsity-regularized training (group-lasso norms)',
    options: z.strictObject({ p: o.p }),
    create: regularized,
  }),
];
