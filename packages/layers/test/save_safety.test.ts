import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, saveModel, sweepStale } from '../src/node.js';
import { tf } from './fixtures.js';
import { runSaveKills } from './kill/harness.js';
import { identifiedModel, identity } from './kill/model.js';

const root = mkdtempSync(join(tmpdir(), 'prunekit-save-safety-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('saveModel is crash-safe and exclusive', () => {
  it('SIGKILLs inside saveModel(…, { overwrite: true }): the target always holds a complete model, never missing', async () => {
    // The suite kills a few times (each kill starts a process); pnpm bench:save-kill kills 40 times.
    const stats = await runSaveKills(join(root, 'killed'), 2, 7);
    expect(stats.incomplete).toBe(0);
    expect(stats.missing).toBe(0);
    expect(stats.polls).toBeGreaterThan(100);
    expect(stats.leftoversAfter).toBe(0);
  }, 60_000);

  it('6 concurrent saves to one new folder: exactly one succeeds, the others get E_OUTPUT_EXISTS', async () => {
    const before = tf.memory().numTensors;
    const target = join(root, 'raced');
    const models = [1, 2, 3, 4, 5, 6].map((v) => identifiedModel(v));
    const results = await Promise.allSettled(models.map((m) => saveModel(m, target)));
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i + 1] : []));
    expect(won).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('E_OUTPUT_EXISTS');
    }
    const m = await loadModel(target);
    expect(identity(m)).toBe(won[0]);
    m.dispose();
    for (const x of models) x.dispose();
    // The losers left nothing behind.
    expect(readdirSync(root).filter((n) => n.startsWith('.raced.') && n !== '.raced')).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('writes files 0644 and folders 0755 under umask 022, and respects a stricter umask', async () => {
    const before = tf.memory().numTensors;
    const m = identifiedModel(1);
    const old = process.umask(0o022);
    try {
      const dir = join(root, 'modes');
      await saveModel(m, dir);
      expect(statSync(dir).mode & 0o777).toBe(0o755);
      for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o644);
      process.umask(0o077);
      const strict = join(root, 'modes-strict');
      await saveModel(m, strict);
      expect(statSync(strict).mode & 0o777).toBe(0o700);
      expect(statSync(join(strict, 'model.json')).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(old);
      m.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a plain folder replaced once and killed between its two renames is restored by the next sweep', async () => {
    const target = join(root, 'plain');
    mkdirSync(target);
    writeFileSync(join(target, 'model.json'), '{"old": true}');
    // What a crash between "move aside" and "link in" leaves: the folder under .plain.old-<dead pid>-*.
    const aside = join(root, '.plain.old-999999-abcd1234');
    rmSync(aside, { recursive: true, force: true });
    renameSync(target, aside);
    expect(await sweepStale(target)).toEqual(['.plain.old-999999-abcd1234']);
    expect(readFileSync(join(target, 'model.json'), 'utf8')).toBe('{"old": true}');
  });
});
