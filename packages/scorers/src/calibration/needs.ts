import { type HessianProbes, type ScorerNeed, type StatField, statFields } from '@prunekit/core';

/** What the runner computes: statistics fields, and how to probe the Hessian when one needs it. */
export interface CalibrationRequest {
  readonly fields: readonly StatField[];
  readonly hessian?: HessianProbes;
}

/** The union of several scorers' statistics needs (the runner computes each field once). */
export function mergeNeeds(
  list: readonly { readonly needs: readonly ScorerNeed[]; readonly hessian?: HessianProbes }[],
): CalibrationRequest {
  let hessian: HessianProbes | undefined;
  for (const s of list) {
    if (s.hessian && s.needs.includes('hessianDiagonal') && (!hessian || s.hessian.probes > hessian.probes)) {
      hessian = s.hessian;
    }
  }
  const fields = statFields([...new Set(list.flatMap((s) => s.needs))]);
  return { fields, ...(hessian ? { hessian } : {}) };
}
