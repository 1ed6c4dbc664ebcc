import type { ProximalRegularizer } from './proximal.js';
import { lp } from './lp.js';
import type { ParamSelector } from './select.js';

/**
 * Network slimming (Liu et al. 2017): L1 on the BatchNorm scales γ, so channels whose γ goes to
 * zero can be removed with their group.
 */
export function bnGammaL1(opts: {
  lambda: number;
  warmupSteps?: number;
  params?: ParamSelector;
  proximal?: boolean;
}): ProximalRegularizer {
  const r = lp({ ...opts, p: 1, params: opts.params ?? ((id: string) => id.endsWith('/gamma')) });
  return Object.assign(r, { name: 'bnGammaL1' });
}
