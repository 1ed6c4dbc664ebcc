import { InvalidArgumentError } from '@prunekit/core';
import { seedWeights } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createLatencyTable,
  type LatencyEntry,
  type LayerSignature,
  latencyModel,
  modelSignatures,
  timeSignatures,
} from '../src/index.js';

function net(filters: number): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.conv2d({ name: 'c1', inputShape: [8, 8, 3], filters, kernelSize: 3, padding: 'same' }));
  m.add(tfl.layers.conv2d({ name: 'c2', filters: 6, kernelSize: 3, padding: 'same' }));
  m.add(tfl.layers.flatten({ name: 'flat' }));
  m.add(tfl.layers.dense({ name: 'fc', units: 3 }));
  seedWeights(m, 3);
  return m;
}

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

describe('timeSignatures', () => {
  it('times every signature and the overhead round-robin, in one pass or several, and frees what it made', () => {
    const models = [net(4), net(8)];
    const sigs = [...new Map(models.flatMap((m) => modelSignatures(m, 2)).map((s) => [s.key, s])).values()];
    const before = tf.memory().numTensors;
    const one = timeSignatures(sigs, 2, { reps: 3, warmup: 1 });
    // Inputs of 2×8×8×3 floats are 1536 bytes: a 2000-byte cap forces a pass per distinct input.
    const many = timeSignatures(sigs, 2, { reps: 3, warmup: 1, maxInputBytes: 2000 });
    for (const r of [one, many]) {
      expect(r.entries).toHaveLength(sigs.length);
      for (const e of [...r.entries, r.overhead]) {
        expect(e.reps).toBe(3);
        expect(Number.isFinite(e.medianMs) && e.medianMs >= 0).toBe(true);
        expect(e.p99Ms).toBeGreaterThanOrEqual(e.medianMs);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    for (const m of models) m.dispose();
  });
});

describe('latencyModel prepare / retime', () => {
  it('prepare times only the missing signatures in one batch; retime re-times every one seen', () => {
    const calls: string[] = [];
    let k = 0;
    const measure = (sig: LayerSignature): LatencyEntry => {
      calls.push(sig.key);
      k++;
      return { medianMs: k, p99Ms: k, reps: 1 };
    };
    const table = createLatencyTable('cpu', 'test', 1);
    const lm = latencyModel(table, { measure });
    const a = net(4);
    const b = net(8);
    const distinct = new Set([...modelSignatures(a, 1), ...modelSignatures(b, 1)].map((s) => s.key)).size;
    expect(lm.prepare([a, b])).toBe(distinct);
    expect(lm.prepare([a, b])).toBe(0); // all in the table now
    expect(calls).toHaveLength(distinct);
    const refs = lm.layers(a);
    const first = lm.predictLayers(refs).totalMs;
    expect(lm.retime()).toBe(distinct);
    expect(calls).toHaveLength(2 * distinct);
    // The entries were replaced by the re-timed ones (this strategy returns a larger figure each call).
    expect(lm.predictLayers(refs).totalMs).toBeGreaterThan(first);
    expect(lm.predict(a).totalMs).toBe(lm.predictLayers(refs).totalMs);
    a.dispose();
    b.dispose();
  });

  it('refuses a layer ref it has no entry or signature for, naming the layer', () => {
    const lm = latencyModel(createLatencyTable('cpu', 'test', 1), {
      measure: () => ({ medianMs: 1, p99Ms: 1, reps: 1 }),
    });
    expect(() => lm.predictLayers([{ layer: 'ghost', className: 'Dense', key: 'Dense|{}|[]' }])).toThrow(
      InvalidArgumentError,
    );
    expect(() => lm.predictLayers([{ layer: 'ghost', className: 'Dense', key: 'Dense|{}|[]' }])).toThrow(
      /'ghost'/,
    );
  });

  it('re-times on the active backend: every seen entry and the overhead come from one pass', () => {
    const table = createLatencyTable('cpu', 'test', 2);
    const lm = latencyModel(table, { timing: { reps: 4, warmup: 1 } });
    const a = net(4);
    const before = tf.memory().numTensors;
    lm.predict(a); // one by one
    const n = lm.retime();
    expect(n).toBe(modelSignatures(a, 2).length);
    for (const r of lm.layers(a)) expect(table.entries[r.key].reps).toBe(4);
    expect(table.overheadMs?.reps).toBe(4);
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
  });
});
