import type { ScoreContext, ScoreTarget, Scorer, Scores } from '@prunekit/core';
import { InvalidArgumentError, createRng, sizeOf } from '@prunekit/core';

/** Options of random: an optional seed that makes each target's scores reproducible. */
export interface RandomOptions {
  /** With a seed, a target's scores depend only on (seed, target id); without, on ctx.rng. */
  readonly seed?: number;
}

/** FNV-1a hash of a string, to derive one generator per target from the seed. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Uniform random scores in [0, 1): the baseline every criterion should beat. */
export function random(opts: RandomOptions = {}): Scorer {
  const { seed } = opts;
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
    throw new InvalidArgumentError(
      `random: seed must be an integer in [0, 2^32), got ${JSON.stringify(seed)}.`,
      {
        field: 'seed',
        value: seed,
      },
    );
  }
  return {
    name: 'random',
    needs: [],
    async score(target: ScoreTarget, ctx: ScoreContext): Promise<Scores> {
      const id = target.kind === 'weight' ? target.param.id : target.group.id;
      const rng = seed === undefined ? ctx.rng.fork() : createRng((seed ^ hash32(id)) >>> 0);
      const n = target.kind === 'weight' ? sizeOf(target.param.shape) : target.group.size;
      const values = new Float32Array(n);
      for (let i = 0; i < n; i++) values[i] = rng.next();
      return target.kind === 'weight'
        ? { kind: 'weight', param: id, shape: [...target.param.shape], values }
        : { kind: 'group', group: id, values };
    },
  };
}
