/** Command-line plumbing every example script shares. */
import { join } from 'node:path';
import type { ResultDoc } from '@prunekit/core';
import { writeFileAtomic } from '@prunekit/layers/node';

/** The value after `--name` on the command line. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Writes a text file atomically (layers' writeFileAtomic) so a reader never sees half of it. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  await writeFileAtomic(file, text);
}

/** A logger to stderr that stamps each line with the seconds since it was made. */
export function timedLog(): { log: (line: string) => void; seconds: () => number } {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  return {
    log: (line) => process.stderr.write(`[${seconds().toFixed(1).padStart(6)} s] ${line}\n`),
    seconds,
  };
}

/**
 * Writes results.json and results.md into `dir` (each atomically) and prints one line per goal to
 * stdout: `name: value (op target)`.
 */
export async function writeResults(dir: string, doc: ResultDoc, markdown: string): Promise<void> {
  await writeAtomic(join(dir, 'results.json'), `${JSON.stringify(doc, null, 2)}\n`);
  await writeAtomic(join(dir, 'results.md'), `${markdown.trimEnd()}\n`);
  process.stdout.write(
    doc.goals.map((g) => `${g.name}: ${g.value.toFixed(4)} (${g.op} ${g.target})\n`).join(''),
  );
}

/** Runs an async script body; an error prints its stack to stderr and exits with status 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}

/** The part of a results document's `env` every example shares: Node, CPU model and count, backend. */
