// The CLI's default export: unstructured levels as sparse layers, BatchNorm folded, the input's
// tfjs weight quantization kept; `inspect` reads what `prune` and `convert` write.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import { saveTfjsQuantized } from '@prunekit/compress/node';
import { modelFileBytes } from '@prunekit/layers/node';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, main } from '../src/index.js';
import { captureIO } from './fixtures/capture.js';

let dir: string;
let input: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'prunekit-cli-export-'));
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const m = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 16,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        name: 'c1',
        kernelInitializer: init(1),
      }),
      tfl.layers.batchNormalization({ name: 'bn1' }),
      tfl.layers.reLU({ name: 'r1' }),
      tfl.layers.conv2d({
        filters: 16,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        name: 'c2',
        kernelInitializer: init(2),
      }),
      tfl.layers.batchNormalization({ name: 'bn2' }),
      tfl.layers.reLU({ name: 'r2' }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dense({ units: 4, name: 'logits', kernelInitializer: init(3) }),
    ],
  });
  input = join(dir, 'in');
  await saveTfjsQuantized(m, input, { dtype: 'uint8' });
  m.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const classes = (folder: string) =>
  (
    JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')).modelTopology.config.layers as {
      class_name: string;
    }[]
  ).map((l) => l.class_name);
const quantizations = (folder: string) =>
  new Set(
    (
      JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')).weightsManifest[0].weights as {
        quantization?: { dtype: string };
      }[]
    ).map((w) => w.quantization?.dtype ?? 'none'),
  );

describe('prunekit prune: the default export', () => {
  it('writes unstructured levels as sparse layers and structured ones as stock, BN folded, uint8 kept; inspect reads both', async () => {
    const out = join(dir, 'out');
    const io = captureIO();
    const before = tf.memory().numTensors;
    const code = await main(
      [
        'prune',
        '--model',
        input,
        '--out',
        out,
        '--json',
        '--quiet',
        '--backend',
        'cpu',
        '--ratio',
        '0.8',
        '--method',
        'unstructured',
      ],
      io,
    );
    expect(io.err).toBe('');
    expect(code, io.out).toBe(EXIT.ok);
    const doc = JSON.parse(io.out);
    const row = doc.rows.find((r: { model: string }) => r.model === 'unstructured-80');
    expect(row.export).toBe(
      'sparse layers where timed faster (candidates from 0.2 sparsity), BatchNorm folded, activations folded, uint8 weights',
    );
    expect(row.speedup.cpu).toBeGreaterThan(0);
    expect(Object.keys(row.latencyMs)).toEqual(['cpu']); // only the selected backend by default
    const written = join(out, 'unstructured-80');
    // Every candidate was timed dense and sparse; exactly the faster ones were written sparse.
    const timed = row.sparseLayers as { layer: string; denseMs: number; sparseMs: number; faster: boolean }[];
    expect(timed.length).toBeGreaterThan(0);
    for (const t of timed) {
      expect(['c1', 'c2', 'logits']).toContain(t.layer);
      expect(t.sparsity).toBeGreaterThanOrEqual(0.2);
      expect(t.faster).toBe(t.sparseMs < t.denseMs);
    }
    const layers = JSON.parse(readFileSync(join(written, 'model.json'), 'utf8')).modelTopology.config
      .layers as { class_name: string; config: { name: string; activation?: string } }[];
    const sparse = layers.filter((l) => l.class_name.startsWith('PrunekitSparse')).map((l) => l.config.name);
    expect(sparse).toEqual(timed.filter((t) => t.faster).map((t) => t.layer));
    expect(classes(written)).not.toContain('BatchNormalization');
    // conv → BN → ReLU is one layer: the ReLUs became the convs' activation.
    expect(classes(written)).not.toContain('ReLU');
    expect(layers.find((l) => l.config.name === 'c1')?.config.activation).toBe('relu');
    expect(quantizations(written).has('uint8')).toBe(true);
    expect(row.fileBytes).toBe(await modelFileBytes(written));
    expect(row.fileBytes).toBeLessThanOrEqual(await modelFileBytes(input));

    const ins = captureIO();
    expect(await main(['inspect', '--model', written, '--json'], ins), ins.err).toBe(EXIT.ok);
    expect(JSON.parse(ins.out).layers.length).toBeGreaterThan(0);

    const conv = captureIO();
    expect(
      await main(
        [
          'convert',
          '--model',
          written.replace('unstructured-80', 'unstructured-80'),
          '--to',
          'stock',
          '--out',
          join(dir, 'c'),
        ],
        conv,
      ),
    ).toBe(EXIT.input);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('structured levels: stock layers, BN folded, the input quantization kept; export: { quantization: none } gives float32', async () => {
    const recipe = join(dir, 'r.yaml');
    writeFileSync(recipe, 'backend: cpu\nstructured: { levels: [0.25] }\nexport: { quantization: none }\n');
    const out = join(dir, 'out-s');
    const io = captureIO();
    const before = tf.memory().numTensors;
    expect(
      await main(['prune', '--model', input, '--recipe', recipe, '--out', out, '--json', '--quiet'], io),
    ).toBe(EXIT.ok);
    const written = join(out, 'structured-25');
    expect(classes(written)).not.toContain('BatchNormalization');
    expect(classes(written).some((c) => c.startsWith('PrunekitSparse'))).toBe(false);
    expect([...quantizations(written)]).toEqual(['none']);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a level that prunes nothing (structured 0.99 with roundTo 1024) says so in the report', async () => {
    const recipe = join(dir, 'r0.yaml');
    writeFileSync(recipe, 'backend: cpu\nstructured: { levels: [0.99], roundTo: 1024 }\n');
    const out = join(dir, 'out-0');
    const io = captureIO();
    expect(await main(['prune', '--model', input, '--recipe', recipe, '--out', out, '--quiet'], io)).toBe(
      EXIT.ok,
    );
    const notes: string[] = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).notes;
    expect(notes.some((n) => /structured-99: pruned 0% although 99\.00% was asked; roundTo/.test(n))).toBe(
      true,
    );
  });
});
