/** prunekit bench: median forward latency of a model per backend. */
import { cpus } from 'node:os';
import type { ResultDoc } from '@prunekit/core';
import { initBackend } from '../backend.js';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit_codes.js';
import { list, num } from '../flags.js';
import type { CliIO } from '../io.js';
import { loadRecipe } from '../recipe/load.js';
import { formatTable } from '../table.js';
import { latencyPerBackend } from '@prunekit/recipe';
import { loadLayersModel } from '@prunekit/recipe/node';

export async function benchCommand(
  flags: {
    model?: string;
    recipe?: string;
    backends?: string;
    runs?: string;
    batch?: string;
    json?: boolean;
  },
  io: CliIO,
): Promise<ExitCode> {
  const loaded = loadRecipe(flags.recipe, () => [
    ...(flags.backends
      ? [{ flag: '--backends', path: ['bench', 'backends'], value: list(flags.backends) }]
      : []),
    ...(flags.runs ? [{ flag: '--runs', path: ['bench', 'runs'], value: num(flags.runs) }] : []),
    ...(flags.batch ? [{ flag: '--batch', path: ['bench', 'batch'], value: num(flags.batch) }] : []),
  ]);
  const bench = loaded.recipe.bench ?? {
    backends: ['wasm', 'cpu'] as ('wasm' | 'cpu')[],
    runs: 15,
    batch: 1,
  };
  if (!flags.model && !loaded.recipe.model)
    throw new UsageError('bench needs --model <model.json>.', { field: 'model' });
  await initBackend(bench.backends[0]);
  const model = await loadLayersModel(flags.model ?? loaded.recipe.model!);
  try {
    const ms = await latencyPerBackend(model, bench);
    const rows = Object.entries(ms).map(([backend, medianMs]) => ({
      backend,
      medianMs,
      runs: bench.runs,
      batch: bench.batch,
    }));
    if (flags.json) {
      const doc: ResultDoc = {
        name: 'bench',
        env: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', backend: bench.backends.join(',') },
        rows,
        goals: [],
      };
      io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      io.stdout(
        `${formatTable([['backend', 'median ms', 'runs', 'batch'], ...rows.map((r) => [r.backend, Number(r.medianMs.toFixed(3)), r.runs, r.batch])])}\n`,
      );
    }
    return EXIT.ok;
  } finally {
    model.dispose();
  }
}
