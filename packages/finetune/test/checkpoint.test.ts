import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '@prunekit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fineTune, latestCheckpoint, listCheckpoints } from '../src/node.js';
import { crashRunOptions } from './fixtures/crash_options.js';
import { disposeData, makeData, tinyModel, useCpu, weightValues } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'prunekit-ckpt-'));
beforeAll(useCpu);
afterAll(() => rmSync(root, { recursive: true, force: true }));

class Crash extends Error {}

function sameWeights(a: Map<string, Float32Array>, b: Map<string, Float32Array>): boolean {
  for (const [k, v] of a) {
    const w = b.get(k)!;
    if (
      Buffer.compare(
        Buffer.from(v.buffer, v.byteOffset, v.byteLength),
        Buffer.from(w.buffer, w.byteOffset, w.byteLength),
      ) !== 0
    )
      return false;
  }
  return true;
}

/**
 * Runs fixtures/crash_run.ts in a child process, trains the uninterrupted reference `ref` here
 * meanwhile (same code, same cpu kernels), and SIGKILLs the child once `ready()` holds (or it
 * exits, or 60 s pass). tsx is a loader inside one node process: the tsx CLI would fork a
 * grandchild that outlives a SIGKILL sent to the CLI.
 */
async function killedRun(
  dir: string,
  mode: 'full' | 'early',
  ready: () => boolean,
  reference: () => Promise<unknown>,
): Promise<void> {
  const victim = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=source', join(here, 'fixtures', 'crash_run.ts'), dir, mode, '40'],
    { cwd: join(here, '..', '..', '..'), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  victim.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<string | null>((resolve) => victim.on('exit', (_code, sig) => resolve(sig)));
  await reference();
  const deadline = Date.now() + 60_000;
  while (!ready() && Date.now() < deadline && victim.exitCode === null) {
    await new Promise((r) => setTimeout(r, 20));
  }
  victim.kill('SIGKILL');
  expect(await exited, stderr).toBe('SIGKILL');
}

describe('checkpoints', () => {
  const train = makeData(3, 120);
  const val = makeData(4, 40);
  afterAll(() => {
    disposeData(train);
    disposeData(val);
  });

  it('resume continues a crashed run to bit-identical weights and history', async () => {
    const ref = tinyModel(11);
    const full = await fineTune(ref, train, crashRunOptions(val));
    const dir = join(root, 'inproc');
    const a = tinyModel(11);
    await expect(
      fineTune(a, train, {
        ...crashRunOptions(val),
        checkpoint: { dir, every: 3, keep: 2 },
        onStep: (s) => {
          if (s === 19) throw new Crash('simulated crash');
        },
      }),
    ).rejects.toBeInstanceOf(Crash);
    expect(listCheckpoints(dir).map((c) => c.step)).toEqual([15, 18]);
    a.dispose();
    const b = tinyModel(11);
    const n0 = tf.memory().numTensors;
    const resumed = await fineTune(b, train, {
      ...crashRunOptions(val),
      checkpoint: { dir, every: 3 },
      resume: dir,
    });
    expect(tf.memory().numTensors).toBe(n0);
    expect(resumed.resumedFrom).toBe(join(dir, 'ckpt-0000000018.pkc'));
    expect(sameWeights(weightValues(ref), weightValues(b))).toBe(true);
    const strip = (h: readonly { seconds: number }[]) => h.map(({ seconds, ...rest }) => rest);
    expect(strip(resumed.history)).toEqual(strip(full.history));
    expect(resumed.restoredEpoch).toBe(full.restoredEpoch);
    ref.dispose();
    b.dispose();
  });

  it('refuses corrupt, truncated and mismatched checkpoints with CheckpointError and changes nothing', async () => {
    const dir = join(root, 'bad');
    const m = tinyModel(12);
    await fineTune(m, train, {
      epochs: 1,
      batchSize: 16,
      checkpoint: { dir, every: 4, keep: 5 },
      verbose: 0,
    });
    m.dispose();
    const file = latestCheckpoint(dir)!;
    const good = readFileSync(file);
    const listing = () => readdirSync(dir).sort().join(',');
    const before = listing();
    const tryResume = async (
      model: ReturnType<typeof tinyModel>,
      opts: Partial<Parameters<typeof fineTune>[2]> = {},
    ) => {
      const w0 = weightValues(model);
      const n0 = tf.memory().numTensors;
      const err = await fineTune(model, train, {
        epochs: 2,
        batchSize: 16,
        resume: file,
        checkpoint: { dir, every: 1 },
        verbose: 0,
        ...opts,
      }).catch((e) => e);
      expect(err).toBeInstanceOf(CheckpointError);
      expect(tf.memory().numTensors).toBe(n0);
      expect(sameWeights(w0, weightValues(model))).toBe(true);
      expect(listing()).toBe(before);
      return err as CheckpointError;
    };
    const model = tinyModel(12);
    const flipped = Buffer.from(good);
    flipped[good.length >> 1] ^= 0x40;
    writeFileSync(file, flipped);
    expect((await tryResume(model)).message).toMatch(/checksum/);
    writeFileSync(file, good.subarray(0, good.length - 100));
    await tryResume(model);
    writeFileSync(file, Buffer.from('not a checkpoint'));
    await tryResume(model);
    writeFileSync(file, good);
    expect((await tryResume(tinyModel(12, { hidden: 8 }))).message).toMatch(/fc1\/kernel/);
    expect((await tryResume(model, { batchSize: 8 })).message).toMatch(/batchSize/);
    expect((await tryResume(model, { optimizer: 'sgd' })).message).toMatch(/optimizer/);
    expect((await tryResume(model, { seed: 5 })).message).toMatch(/seed/);
    model.dispose();
  });

  it('resume from a run that stopped before its first checkpoint says so and starts afresh', async () => {
    const dir = join(root, 'early');
    const m = tinyModel(13);
    const before = tf.memory().numTensors;
    // The first run creates its checkpoint folder before training; here it "dies" before any checkpoint.
    const opts = { epochs: 1, batchSize: 40, checkpoint: { dir, every: 1000 }, verbose: 0 } as const;
    await fineTune(m, train, opts);
    expect(existsSync(dir)).toBe(true);
    expect(listCheckpoints(dir)).toEqual([]);
    const res = await fineTune(m, train, { ...opts, resume: dir });
    expect(res.startedAfresh).toMatch(/holds no checkpoint yet .*started afresh/);
    expect(res.resumedFrom).toBeUndefined();
    expect(res.history).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('resume from a path that does not exist says so and starts afresh, like an uninterrupted run', async () => {
    const opts = { epochs: 1, batchSize: 40, seed: 3, verbose: 0 } as const;
    const ref = tinyModel(14);
    await fineTune(ref, train, opts);
    const m = tinyModel(14);
    const before = tf.memory().numTensors;
    const missing = join(root, 'never-written', 'ckpt');
    const res = await fineTune(m, train, {
      ...opts,
      resume: missing,
      checkpoint: { dir: missing, every: 1000 },
    });
    expect(res.startedAfresh).toBe(
      `resume: '${missing}' does not exist (no run has checkpointed there yet); started afresh.`,
    );
    expect(res.resumedFrom).toBeUndefined();
    expect(sameWeights(weightValues(ref), weightValues(m))).toBe(true);
    expect(existsSync(missing)).toBe(true); // the checkpoint folder is made for the next resume
    expect(tf.memory().numTensors).toBe(before);
    ref.dispose();
    m.dispose();
  });

  it('survives SIGKILL before the first checkpoint: resume says so, starts afresh and ends like an uninterrupted run', async () => {
    const dir = join(root, 'killed-early');
    mkdirSync(dir);
    const ref = tinyModel(11);
    await killedRun(
      dir,
      'early',
      () => existsSync(join(dir, 'stepped')),
      () => fineTune(ref, train, crashRunOptions(val)),
    );
    const ckpt = join(dir, 'ckpt');
    expect(existsSync(ckpt)).toBe(true);
    expect(listCheckpoints(ckpt)).toEqual([]);
    const resumed = tinyModel(11);
    const before = tf.memory().numTensors;
    const r = await fineTune(resumed, train, {
      ...crashRunOptions(val),
      checkpoint: { dir: ckpt, every: 2 },
      resume: ckpt,
    });
    expect(r.startedAfresh).toMatch(
      /holds no checkpoint yet \(the run stopped before its first\); started afresh/,
    );
    expect(r.resumedFrom).toBeUndefined();
    expect(sameWeights(weightValues(ref), weightValues(resumed))).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    ref.dispose();
    resumed.dispose();
  });

  it('never lists a partially written (temp) file as a checkpoint', () => {
    const dir = join(root, 'tmpfiles');
    rmSync(dir, { recursive: true, force: true });
    const m = tinyModel(1);
    return fineTune(m, train, { epochs: 1, batchSize: 40, checkpoint: { dir, every: 1 }, verbose: 0 }).then(
      () => {
        writeFileSync(join(dir, '.ckpt-0000000099.pkc.tmp-12345'), Buffer.alloc(10));
        expect(latestCheckpoint(dir)).toBe(join(dir, 'ckpt-0000000003.pkc'));
        m.dispose();
      },
    );
  });

  it('survives SIGKILL: a child process killed mid-run, then resumed, ends bit-identical to an uninterrupted run', async () => {
    const dir = join(root, 'child');
    const ckpt = join(dir, 'ckpt');
    const ref = tinyModel(11);
    // Killed once a checkpoint past step 10 exists (the run has 32 steps, one every 40 ms or slower).
    await killedRun(
      dir,
      'full',
      () => (listCheckpoints(ckpt).at(-1)?.step ?? 0) >= 10,
      () => fineTune(ref, train, crashRunOptions(val)),
    );
    expect(existsSync(join(dir, 'final.bin'))).toBe(false);
    const killedAt = listCheckpoints(ckpt).at(-1)!.step;
    expect(killedAt).toBeGreaterThanOrEqual(10);
    expect(killedAt).toBeLessThan(32);
    // Resume in a fresh model from whatever the killed process left on disk.
    const resumed = tinyModel(11);
    const r = await fineTune(resumed, train, {
      ...crashRunOptions(val),
      checkpoint: { dir: ckpt, every: 2 },
      resume: ckpt,
    });
    expect(r.resumedFrom).toBe(join(ckpt, `ckpt-${String(killedAt).padStart(10, '0')}.pkc`));
    expect(sameWeights(weightValues(ref), weightValues(resumed))).toBe(true);
    ref.dispose();
    resumed.dispose();
  });
});
