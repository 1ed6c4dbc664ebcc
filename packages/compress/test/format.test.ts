import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, ModelFormatError } from '@prunekit/core';
import { cnnModel, expectNoLeaks, mlpModel, seedWeights } from '@prunekit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompressedFormatError,
  clusterModel,
  compressModel,
  crc32,
  decodeCompressed,
  FORMAT_VERSION,
  HEADER_BYTES,
  loadCompressedBytes,
  packBits,
  quantizeInt8,
  unpackBits,
} from '../src/index.js';
import { loadCompressed, saveCompressed } from '../src/node.js';
import { inputs, pruneKernels, tf, tfl, useCpu, weightValues } from './helpers.js';

let root: string;
beforeAll(async () => {
  await useCpu();
  root = mkdtempSync(join(tmpdir(), 'prunekit-compress-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function predict(model: tfl.LayersModel, x: tf.Tensor): Float32Array {
  return tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
}

describe('building blocks', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('bit packing round-trips at every width', () => {
    for (const bits of [1, 3, 4, 5, 8, 12, 17]) {
      const codes = Uint32Array.from({ length: 37 }, (_, i) => (i * 2654435761) % 2 ** bits);
      expect(Array.from(unpackBits(packBits(codes, bits), codes.length, bits))).toEqual(Array.from(codes));
    }
  });
});

describe('int8 round trip', () => {
  it('a dense layer: |Δy_j| ≤ (s_j / 2) · Σ_i |x_i| for every output (the README bound)', async () => {
    // A linear layer shows the bound without an activation in the way.
    const linear = tfl.sequential({
      layers: [tfl.layers.dense({ units: 7, inputShape: [10], name: 'fc', activation: 'linear' })],
    });
    seedWeights(linear, 11);
    const x = inputs([16, 10], 2);
    const tensorsBefore = tf.memory().numTensors;
    const res = await compressModel(linear, { weights: 'int8' });
    const kernel = weightValues(linear).get('fc/kernel') as Float32Array;
    const restored = await loadCompressedBytes(res.bytes);
    const scales = quantizeInt8(kernel, [10, 7]).scales;
    const a = predict(linear, x);
    const b = predict(restored, x);
    const xs = x.dataSync();
    for (let s = 0; s < 16; s++) {
      let l1 = 0;
      for (let i = 0; i < 10; i++) l1 += Math.abs(xs[s * 10 + i]);
      for (let j = 0; j < 7; j++) {
        expect(Math.abs(a[s * 7 + j] - b[s * 7 + j])).toBeLessThanOrEqual(
          (scales[j] / 2) * l1 * (1 + 1e-5) + 1e-6,
        );
      }
    }
    restored.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    tf.dispose(x);
    linear.dispose();
  });

  it('a pruned CNN: per-weight error ≤ scale/2, zeros stay zero, predictions close, smaller than float32', async () => {
    const tensorsAtStart = tf.memory().numTensors;
    const model = cnnModel({ seed: 3, filters: [8, 16], hidden: 32 });
    pruneKernels(model, 0.9);
    const x = inputs([4, 8, 8, 3], 5);
    const res = await compressModel(model);
    const dense = await compressModel(model, { weights: 'float32', coding: 'none' });
    expect(res.bytes.length).toBeLessThan(dense.bytes.length / 4);
    const original = weightValues(model);
    const restored = await loadCompressedBytes(res.bytes);
    const loaded = weightValues(restored);
    for (const w of res.weights) {
      const o = original.get(w.name) as Float32Array;
      const l = loaded.get(w.name) as Float32Array;
      if (w.encoding === 'raw') expect(Array.from(l)).toEqual(Array.from(o));
      else {
        expect(w.layout).toBe('sparse');
        const scales = quantizeInt8(
          o,
          restored.getWeights().find((t) => t.size === o.length)?.shape ?? [o.length],
        ).scales;
        expect(w.maxAbsError).toBeLessThanOrEqual(Math.max(...scales) / 2 + 1e-7);
        for (let i = 0; i < o.length; i++) if (o[i] === 0) expect(l[i]).toBe(0);
      }
    }
    const a = predict(model, x);
    const b = predict(restored, x);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(0.02);
    tf.dispose(x);
    restored.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensorsAtStart);
  });

  it('per-tensor int8 and uncoded payloads load too', async () => {
    const tensorsAtStart = tf.memory().numTensors;
    const model = mlpModel({ seed: 12 });
    const res = await compressModel(model, { scheme: 'per-tensor', coding: 'none' });
    const restored = await loadCompressedBytes(res.bytes);
    expect(res.weights.filter((w) => w.encoding === 'int8').length).toBe(3);
    restored.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensorsAtStart);
  });
});

describe('clustered round trip', () => {
  it('is lossless: the loaded model holds exactly the clustered weights (≤ k values, exact zeros)', async () => {
    const tensorsAtStart = tf.memory().numTensors;
    const model = cnnModel({ seed: 4, filters: [8, 16], hidden: 32 });
    pruneKernels(model, 0.8);
    clusterModel(model, { k: 16, seed: 3 });
    const res = await compressModel(model, { weights: 'cluster' });
    const restored = await loadCompressedBytes(res.bytes);
    const a = weightValues(model);
    for (const [id, v] of weightValues(restored)) expect(Array.from(v)).toEqual(Array.from(a.get(id) ?? []));
    for (const w of res.weights) if (w.encoding === 'cluster') expect(w.maxAbsError).toBe(0);
    const int8 = await compressModel(model, { weights: 'int8' });
    expect(res.bytes.length).toBeLessThan(int8.bytes.length);
    restored.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensorsAtStart);
  });

  it('refuses to palette-code a weight with more than 65536 distinct values', async () => {
    const tensorsAtStart = tf.memory().numTensors;
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ units: 300, inputShape: [300], name: 'big' })],
    });
    await expect(compressModel(model, { weights: 'cluster' })).rejects.toThrow(/big\/kernel.*65536/);
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensorsAtStart);
  });
});

describe('files and bad input', () => {
  it('saveCompressed writes atomically (no temp files left) and replaces an existing file', async () => {
    const tensorsAtStart = tf.memory().numTensors;
    const model = mlpModel({ seed: 13 });
    const file = join(root, 'atomic', 'm.pkcm');
    await saveCompressed(model, file);
    const first = readFileSync(file);
    pruneKernels(model, 0.5);
    const res = await saveCompressed(model, file);
    expect(readdirSync(join(root, 'atomic'))).toEqual(['m.pkcm']);
    expect(readFileSync(file).equals(Buffer.from(res.bytes))).toBe(true);
    expect(first.equals(readFileSync(file))).toBe(false);
    const loaded = await loadCompressed(file);
    expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    loaded.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensorsAtStart);
  });

  it('truncated, wrong version, checksum mismatch, trailing bytes, wrong magic → CompressedFormatError; nothing loaded', async () => {
    const model = cnnModel({ seed: 5 });
    pruneKernels(model, 0.5);
    const { bytes } = await compressModel(model);
    model.dispose();
    const cases: [string, Uint8Array, RegExp][] = [];
    cases.push(['empty', bytes.slice(0, 0), /truncated/]);
    cases.push(['header only', bytes.slice(0, 10), /truncated/]);
    cases.push(['cut payload', bytes.slice(0, bytes.length - 7), /truncated/]);
    const version = bytes.slice();
    new DataView(version.buffer).setUint16(4, FORMAT_VERSION + 1, true);
    cases.push(['version', version, /version 2.*reads version 1/]);
    const flipped = bytes.slice();
    flipped[HEADER_BYTES + 40] ^= 0x10;
    cases.push(['bit flip', flipped, /checksum/]);
    const trailing = new Uint8Array(bytes.length + 3);
    trailing.set(bytes);
    cases.push(['trailing', trailing, /trailing bytes/]);
    const magic = bytes.slice();
    magic[0] = 0x41;
    cases.push(['magic', magic, /not a prunekit compressed model/]);
    for (const [label, data, message] of cases) {
      await expectNoLeaks(async () => {
        const err = await loadCompressedBytes(data).catch((e) => e);
        expect(err, label).toBeInstanceOf(CompressedFormatError);
        expect(err.code, label).toBe('E_FORMAT');
        expect(err.message, label).toMatch(message);
      }, label);
    }
    // The same through the file loader: the error names the file.
    const file = join(root, 'bad.pkcm');
    writeFileSync(file, flipped);
    await expect(loadCompressed(file)).rejects.toThrow(/bad\.pkcm.*checksum/);
    await expect(loadCompressed(join(root, 'missing.pkcm'))).rejects.toBeInstanceOf(ModelFormatError);
  });

  /** Re-encodes a stored (coding 'none') file with its metadata JSON edited and a valid checksum. */
  function withJson(
    bytes: Uint8Array,
    edit: (meta: { weights: Record<string, unknown>[] }) => void,
  ): Uint8Array {
    const body = bytes.subarray(HEADER_BYTES);
    const jsonLen = new DataView(body.buffer, body.byteOffset).getUint32(0, true);
    const meta = JSON.parse(new TextDecoder().decode(body.subarray(4, 4 + jsonLen)));
    edit(meta);
    const json = new TextEncoder().encode(JSON.stringify(meta));
    const blob = body.subarray(4 + jsonLen);
    const newBody = new Uint8Array(4 + json.length + blob.length);
    new DataView(newBody.buffer).setUint32(0, json.length, true);
    newBody.set(json, 4);
    newBody.set(blob, 4 + json.length);
    const out = new Uint8Array(HEADER_BYTES + newBody.length);
    out.set(bytes.subarray(0, HEADER_BYTES));
    const view = new DataView(out.buffer);
    view.setUint32(8, newBody.length, true);
    view.setUint32(12, newBody.length, true);
    view.setUint32(16, crc32(newBody), true);
    out.set(newBody, HEADER_BYTES);
    return out;
  }

  it('a valid checksum over inconsistent fields (k < 1, k > 65536, bad encoding, offsets) is still refused', async () => {
    const model = mlpModel({ seed: 14 });
    pruneKernels(model, 0.5);
    clusterModel(model, { k: 4, seed: 1 });
    const { bytes } = await compressModel(model, { weights: 'cluster', coding: 'none' });
    model.dispose();
    expect(decodeCompressed(withJson(bytes, () => {})).entries.length).toBe(6); // the helper itself is sound
    const edits: [string, (w: Record<string, unknown>) => void, RegExp][] = [
      ['k = 0', (w) => (w.k = 0), /field 'k' is 0/],
      ['k = 65537', (w) => (w.k = 65537), /field 'k' is 65537/],
      ['encoding', (w) => (w.encoding = 'int9'), /field 'encoding' is "int9"/],
      ['offset', (w) => (w.offset = 1e9), /offset\/length/],
      ['nnz', (w) => (w.nnz = 1e9), /field 'nnz'/],
      ['layout', (w) => (w.layout = 'csr'), /field 'layout'/],
    ];
    for (const [label, edit, message] of edits) {
      const bad = withJson(bytes, (meta) => edit(meta.weights[0]));
      await expectNoLeaks(async () => {
        const err = await loadCompressedBytes(bad).catch((e) => e);
        expect(err, label).toBeInstanceOf(CompressedFormatError);
        expect(err.message, label).toMatch(message);
        expect(err.message, label).toContain('dense1/kernel');
      }, label);
    }
    // A topology that does not match the weights: tfjs refuses, nothing is left behind.
    const mismatch = withJson(bytes, (meta) => {
      meta.weights[0].name = 'other/kernel';
    });
    await expectNoLeaks(async () => {
      await expect(loadCompressedBytes(mismatch)).rejects.toBeInstanceOf(CompressedFormatError);
    }, 'topology mismatch');
  });

  it('refuses bad options', async () => {
    const tensorsAtStart = tf.memory().numTensors;
    const model = mlpModel({ seed: 15 });
    await expect(compressModel(model, { weights: 'int4' as never })).rejects.toThrow(InvalidArgumentError);
    await expect(compressModel(model, { coding: 'zstd' as never })).rejects.toThrow(InvalidArgumentError);
    await expect(compressModel(model, { level: 11 })).rejects.toThrow(InvalidArgumentError);
    model.dispose();
    expect(tf.memory().numTensors).toBe(tensorsAtStart);
  });
});
