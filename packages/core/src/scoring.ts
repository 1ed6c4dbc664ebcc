import { ShapeError } from './errors.js';
import { sizeOf } from './graph.js';
import type { ScoreContext, Scorer, Scores, ScoreTarget } from './interfaces.js';

/**
 * Checks a scorer's answer for `target`: scores of the same kind, for the parameter / group asked
 * about, one value per weight (or per channel). Returns the values; throws ShapeError naming the
 * scorer and target otherwise. The one check pruners, the CLI and scoreParams use.
 */
export function checkScores(target: ScoreTarget, s: Scores, scorer: string): Float32Array {
  const got = !s
    ? 'nothing'
    : s.kind === 'weight'
      ? `${s.values?.length} per-weight scores for '${s.param}'`
      : `${s.values?.length} channel scores for group '${s.group}'`;
  if (target.kind === 'weight') {
    const n = sizeOf(target.param.shape);
    if (s?.kind !== 'weight' || s.param !== target.param.id || s.values.length !== n) {
      throw new ShapeError(
        `Scorer '${scorer}' returned ${got}; expected ${n} per-weight scores for '${target.param.id}'.`,
        { scorer, param: target.param.id },
      );
    }
    return s.values;
  }
  const n = target.group.size;
  if (s?.kind !== 'group' || s.group !== target.group.id || s.values.length !== n) {
    throw new ShapeError(
      `Scorer '${scorer}' returned ${got}; expected ${n} channel scores for group '${target.group.id}'.`,
      { scorer, group: target.group.id },
    );
  }
  return s.values;
}

/** Scores one target and checks the answer (see checkScores). */
export async function scoreTarget(
  scorer: Scorer,
  target: ScoreTarget,
  ctx: ScoreContext,
): Promise<Float32Array> {
  return checkScores(target, await scorer.score(target, ctx), scorer.name);
}
