import {
  createRng,
  type ModelGraph,
  type ParamInfo,
  type ScoreContext,
  type Scorer,
  scoreTarget,
} from '@prunekit/core';

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
    out.set(p.id, await scoreTarget(scorer, { kind: 'weight', param: p }, full));
  }
  return out;
}
