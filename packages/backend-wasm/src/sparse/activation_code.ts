import type { FusedActivation } from '@prunekit/sparse';

/** Activation codes understood by assembly/sparse/activation.ts. */
export function activationCode(a: FusedActivation): number {
  return a === 'relu' ? 1 : a === 'relu6' ? 2 : 0;
}
