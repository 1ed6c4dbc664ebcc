// Shared plumbing for benchmarks: environment facts, timing, and writing the result document.
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Goal, type ResultDoc, goalMet, median } from '@prunekit/core';
import { writeFileAtomic } from '@prunekit/layers/node';

export const quick = process.argv.includes('--quick');

export function envInfo(backend: string, extra: Record<string, unknown> = {}): ResultDoc['env'] {
  return {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    backend,
    ...extra,
  };
}

/** Median wall time (ms) of `reps` runs of `fn` after `warmup` runs. `fn` must wait for its results. */
export async function timeMedian(
  fn: () => unknown | Promise<unknown>,
  reps: number,
  warmup = 2,
): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

/** Prints the document as JSON to stdout and writes benchmarks/results/<name>.json atomically. */
export async function writeResult(doc: ResultDoc): Promise<void> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  await writeFileAtomic(join(dir, `${doc.name}.json`), JSON.stringify(doc, null, 2) + '\n');
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  for (const g of doc.goals) {
    process.stderr.write(
      `goal ${g.name}: ${g.value.toFixed(3)} ${g.op} ${g.target} → ${goalMet(g) ? 'met' : 'MISSED'}\n`,
    );
  }
}

export type { Goal };
