import {
  type ModelGraph,
  type ParamInfo,
  type ScoreContext,
  type Scorer,
  type Scores,
  ShapeError,
  createRng,
  sizeOf,
} from '@prunekit/core';

/** Checks that a scorer answered for the parameter it was asked about, with one value per weight. */
export function checkWeightScores(param: ParamInfo, s: Scores, scorer: string): Float32Array {
  if (s.kind !== 'weight' || s.param !== param.id || s.values.length !== sizeOf(param.shape)) {
    const got =
      s.kind === 'weight' ? `${s.values.length} scores for '${s.param}'` : `group scores for '${s.group}'`;
    throw new ShapeError(
      `Scorer '${scorer}' returned ${got}; expected ${sizeOf(param.shape)} per-weight scores for '${param.id}'.`,
    );
  }
  return s.values;
}

/**
 * Scores each parameter with `scorer` (default: the graph's prunable parameters), one at a time,
 * and returns the per-weight scores by parameter id.
 */
export async function scoreParams(
  graph: ModelGraph,
  scorer: Scorer,
  params: readonly ParamInfo[] = graph.params((p) => p.prunable),
  ctx: Partial<ScoreContext> = {},
): Promise<Map<string, Float32Array>> {
  const full: ScoreContext = { ...ctx, graph, rng: ctx.rng ?? createRng(0) };
  const out = new Map<string, Float32Array>();
  for (const p of params) {
    out.set(p.id, checkWeightScores(p, await scorer.score({ kind: 'weight', param: p }, full), scorer.name));
  }
  return out;
}
