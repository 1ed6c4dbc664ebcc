// The SIGKILL test of saveModel(…, { overwrite: true }), shared by the suite (a few kills) and
// `pnpm bench:save-kill` (40): a child saves in a loop and is killed at a random moment inside a
// save; meanwhile a reader polls the target. After each kill the target must load as one complete
// model, the old or the new one; after the last, sweepStale must leave only the linked version.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRng } from '@prunekit/core';
import { loadModel, saveModel, sweepStale } from '../../src/node.js';
import { identifiedModel, identity } from './model.js';

export interface KillStats {
  kills: number;
  /** Kills after which the target did not load, or loaded a torn model. */
  incomplete: number;
  /** Poll checks that found target/model.json missing, and polls made. */
  missing: number;
  polls: number;
  /** Kills that landed after 'saving i' and before 'saved i' (inside saveModel). */
  insideSave: number;
  /** Hidden leftovers before and after the final sweep. */
  leftoversBefore: number;
  leftoversAfter: number;
  medianSaveMs: number;
}

const here = dirname(new URL(import.meta.url).pathname);
const repo = join(here, '..', '..', '..', '..');

function leftovers(target: string): string[] {
  const parent = dirname(target);
  const base = target.slice(parent.length + 1);
  const current = readlinkSync(target);
  return readdirSync(parent).filter((n) => n.startsWith(`.${base}.`) && n !== current);
}

/** Runs one victim and kills it `delay` ms after its second 'saving' line; resolves the last lines seen. */
function killOnce(target: string, start: number, delayFrac: number, saveMs: number[]) {
  return new Promise<{ inside: boolean; lastSaved: number }>((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', join(here, 'victim.ts'), target, String(start)],
      { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let buf = '';
    let savingAt = 0;
    let state: 'saving' | 'saved' = 'saved';
    let lastSaved = start - 1;
    let armed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const [what, n] = buf.slice(0, nl).split(' ');
        buf = buf.slice(nl + 1);
        if (what === 'saving') {
          state = 'saving';
          savingAt = performance.now();
        } else {
          state = 'saved';
          lastSaved = Number(n);
          saveMs.push(performance.now() - savingAt);
          if (!armed) {
            armed = true; // the first save is done: time the kill into a later one
            const typical = saveMs.slice(-1)[0];
            setTimeout(() => child.kill('SIGKILL'), Math.max(1, delayFrac * 2 * typical));
          }
        }
      }
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') fail(new Error(`victim exited with ${code ?? signal} before the kill`));
      else done({ inside: state === 'saving', lastSaved });
    });
  });
}

export async function runSaveKills(target: string, kills: number, seed = 1): Promise<KillStats> {
  const first = identifiedModel(1);
  await saveModel(first, target);
  first.dispose();
  const rng = createRng(seed);
  const stats: KillStats = {
    kills,
    incomplete: 0,
    missing: 0,
    polls: 0,
    insideSave: 0,
    leftoversBefore: 0,
    leftoversAfter: 0,
    medianSaveMs: 0,
  };
  let polling = true;
  const poll = async () => {
    while (polling) {
      stats.polls++;
      if (!existsSync(join(target, 'model.json'))) stats.missing++;
      await new Promise((r) => setImmediate(r));
    }
  };
  const poller = poll();
  const saveMs: number[] = [];
  let next = 2;
  try {
    for (let k = 0; k < kills; k++) {
      const res = await killOnce(target, next, rng.next(), saveMs);
      if (res.inside) stats.insideSave++;
      let ok = false;
      try {
        const m = await loadModel(target);
        const v = identity(m);
        m.dispose();
        // The target holds the last completed save or the one being written when killed.
        ok = v === res.lastSaved || v === res.lastSaved + 1;
      } catch {
        ok = false;
      }
      if (!ok) stats.incomplete++;
      next = res.lastSaved + 2;
    }
  } finally {
    polling = false;
    await poller;
  }
  stats.leftoversBefore = leftovers(target).length;
  await sweepStale(target);
  stats.leftoversAfter = leftovers(target).length;
  saveMs.sort((a, b) => a - b);
  stats.medianSaveMs = saveMs[Math.floor(saveMs.length / 2)] ?? 0;
  return stats;
}
