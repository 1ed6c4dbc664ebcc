import * as tf from '@tensorflow/tfjs-core';
/** prunekit score: score statistics per prunable weight, or per dependency group with --channels. */
import { median } from '@prunekit/core';
import { analyzeChannels } from '@prunekit/layers';
import { scoreParams } from '@prunekit/scorers';
import { createRng, scoreTarget } from '@prunekit/core';
import { EXIT, type ExitCode } from '../exit_codes.js';
import type { CliIO } from '../io.js';
import { createProgress } from '../progress.js';
import { loadRecipe } from '../recipe/load.js';
import { makeScorer, scorerContext } from '../run/scorer.js';
import { recipeGraph, recipeIgnore } from '../run/recipe_graph.js';
import { openSession } from '../run/setup.js';
import { formatTable, roundCell as f } from '../table.js';

const stats = (v: ArrayLike<number>) => {
  const xs = Array.from(v).filter(Number.isFinite);
  return xs.length
    ? { min: Math.min(...xs), median: median(xs), max: Math.max(...xs) }
    : { min: Number.NaN, median: Number.NaN, max: Number.NaN };
};

export async function scoreCommand(
  flags: {
    model?: string;
    recipe?: string;
    scorer?: string;
    channels?: boolean;
    data?: string;
    json?: boolean;
    quiet?: boolean;
  },
  io: CliIO,
): Promise<ExitCode> {
  const section = flags.channels ? 'structured' : 'unstructured';
  const loaded = loadRecipe(flags.recipe, () =>
    flags.scorer ? [{ flag: '--scorer', path: [section, 'scorer'], value: { name: flags.scorer } }] : [],
  );
  const cfg = loaded.recipe[section]?.scorer ?? { name: 'magnitude', options: { p: 2 } };
  const scorer = await makeScorer(cfg, loaded.baseDir, `${section}.scorer`);
  const progress = createProgress(io, flags.quiet);
  const session = await openSession({
    loaded,
    modelFlag: flags.model,
    dataFlag: flags.data,
    wantData: scorer.needs.some((n) => n !== 'weights') ? 'eval' : 'none',
    progress,
  });
  const batches = session.calibrationBatches();
  try {
    const graph = recipeGraph(session.model, loaded.recipe);
    const context = await scorerContext(graph, scorer, batches);
    let rows: Record<string, unknown>[];
    if (flags.channels) {
      const groups = analyzeChannels(graph, { ignore: recipeIgnore(loaded.recipe) }).groups;
      rows = [];
      for (const group of groups) {
        const values = await scoreTarget(
          scorer,
          { kind: 'group', group },
          { ...context, graph, rng: createRng(loaded.recipe.seed) },
        );
        rows.push({
          group: group.id,
          roots: group.roots.join(','),
          channels: group.size,
          ...stats(values),
        });
      }
    } else {
      const scores = await scoreParams(graph, scorer, undefined, {
        ...context,
        rng: createRng(loaded.recipe.seed),
      });
      rows = [...scores].map(([id, v]) => ({ param: id, count: v.length, ...stats(v) }));
    }
    if (flags.json) io.stdout(`${JSON.stringify({ scorer: scorer.name, rows }, null, 2)}\n`);
    else {
      const keys = Object.keys(rows[0] ?? { param: '' });
      io.stdout(
        `scorer: ${scorer.name}\n${formatTable([keys, ...rows.map((r) => keys.map((k) => (typeof r[k] === 'number' ? f(r[k] as number) : String(r[k]))))])}\n`,
      );
    }
    return EXIT.ok;
  } finally {
    for (const b of batches ?? []) tf.dispose([b.x, b.y ?? []].flat());
    session.dispose();
  }
}
