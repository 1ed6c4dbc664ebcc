import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEADLINE_SEARCH, deadlineNet, replayScores } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { deadlinePrune, type LatencyEntry, type LayerSignature, parseLatencyTable } from '../src/index.js';

// Tables recorded in Debian's Chromium (software GPU: SwiftShader under WebGL2 and WebGPU) by
// packages/backend-webgl/test/record_latency_tables.ts: each a deadline prune of deadlineNet()
// measured and verified on its backend. Here they are replayed on cpu, planning from the table.
const here = dirname(fileURLToPath(import.meta.url));
interface Recorded {
  backend: string;
  device: string;
  budgetMs: number;
  measuredMs: number;
  met: boolean;
  widths: Record<string, number>;
  scores: Record<string, number[]>;
  rounds: { targetMs: number }[];
  table: unknown;
}
const recorded = (b: string) =>
  JSON.parse(readFileSync(join(here, 'recorded', `${b}.json`), 'utf8')) as Recorded;

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

describe('recorded webgl and webgpu tables', () => {
  it('the same budget gives different widths on the two tables, and each recording was verified on its backend', async () => {
    const model = deadlineNet();
    const before = tf.memory().numTensors;
    const missing = (sig: LayerSignature): LatencyEntry => {
      throw new Error(`not in the recorded table: ${sig.key}`);
    };
    const plan = async (rec: Recorded, budgetMs: number) => {
      const r = await deadlinePrune(model, {
        scorer: replayScores(rec.scores), // the recording's own channel ranking
        budget: { ms: budgetMs },
        table: parseLatencyTable(rec.table, `${rec.backend}.json`),
        measure: missing,
        verify: false,
        search: DEADLINE_SEARCH,
        // The recordings were planned by the greedy walk alone; exchanges would visit widths
        // the recorded tables never timed.
        refine: false,
      });
      r.model.dispose();
      return r;
    };
    const gl = recorded('webgl');
    const gpu = recorded('webgpu');
    expect(gl.device).toMatch(/WebGL2|SwiftShader/i);
    expect(gpu.device.length).toBeGreaterThan(3);
    // Each recording's chosen model was built and measured on its own backend, within its budget.
    for (const rec of [gl, gpu]) {
      expect(rec.met).toBe(true);
      expect(rec.measuredMs).toBeLessThanOrEqual(rec.budgetMs);
    }
    // Replaying each recording's last search target on its table reproduces its widths.
    for (const rec of [gl, gpu]) {
      const r = await plan(rec, rec.rounds.at(-1)!.targetMs);
      expect(Object.fromEntries(r.widths.map((w) => [w.group, w.kept]))).toEqual(rec.widths);
    }
    // One budget, two tables: a fraction of each table's own dense prediction (their units differ
    // several-fold), the deepest cut both recordings' searches reached (so every entry the replay
    // needs was recorded): the same relative cut on each device.
    const dense = new Map<Recorded, number>();
    const reached = new Map<Recorded, number>();
    for (const rec of [gl, gpu]) {
      dense.set(rec, (await plan(rec, 1e9)).predictedMs);
      reached.set(rec, (await plan(rec, rec.rounds.at(-1)!.targetMs)).predictedMs / dense.get(rec)!);
    }
    const fraction = Math.max(...reached.values()) + 1e-9;
    expect(fraction).toBeLessThan(0.95); // a real cut, not the dense widths
    const widthsAt = async (rec: Recorded) => {
      const r = await plan(rec, dense.get(rec)! * fraction);
      expect(r.predictedMs).toBeLessThanOrEqual(dense.get(rec)! * fraction);
      return Object.fromEntries(r.widths.map((w) => [w.group, w.kept]));
    };
    const a = await widthsAt(gl);
    const b = await widthsAt(gpu);
    // The tables do differ: the same layer signature costs differently on the two backends.
    const ta = parseLatencyTable(gl.table).entries;
    const tb = parseLatencyTable(gpu.table).entries;
    const shared = Object.keys(ta).filter((k) => k in tb);
    expect(shared.length).toBeGreaterThan(3);
    expect(shared.some((k) => Math.abs(ta[k].medianMs - tb[k].medianMs) > 0.2 * ta[k].medianMs)).toBe(true);
    expect(a).not.toEqual(b);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
