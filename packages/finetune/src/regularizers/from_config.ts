import { InvalidArgumentError, type Regularizer } from '@prunekit/core';
import { bnGammaL1 } from './bn_gamma.js';
import { lp } from './lp.js';

/** A regularizer as it appears in a recipe (group lasso also needs the model's groups, so it is built in code). */
export interface RegularizerConfig {
  readonly type: 'lp' | 'l1' | 'l2' | 'bnGammaL1';
  readonly lambda: number;
  readonly p?: number;
  readonly warmupSteps?: number;
  readonly proximal?: boolean;
  readonly params?: readonly string[];
}

/** Builds a regularizer from its recipe form, e.g. `{ type: 'lp', p: 1, lambda: 1e-4 }`. */
export function regularizerFromConfig(cfg: RegularizerConfig): Regularizer {
  const common = {
    lambda: cfg.lambda,
    warmupSteps: cfg.warmupSteps,
    proximal: cfg.proximal,
    params: cfg.params,
  };
  switch (cfg?.type) {
    case 'lp':
      if (cfg.p === undefined) throw new InvalidArgumentError("regularizer.p is required when type is 'lp'.");
      return lp({ ...common, p: cfg.p });
    case 'l1':
      return lp({ ...common, p: 1 });
    case 'l2':
      return lp({ ...common, p: 2 });
    case 'bnGammaL1':
      return bnGammaL1(common);
    default:
      throw new InvalidArgumentError(
        `regularizer.type must be 'lp', 'l1', 'l2' or 'bnGammaL1', got ${JSON.stringify((cfg as { type?: unknown })?.type)}.`,
      );
  }
}
