// The adversarial table's library half: bad inputs the CLI never passes on (it validates labels
// and reads no .pkcm), given straight to the library calls it is built on. For every row: a
// PrunekitError with the expected code and a message naming what was wrong, no tensor leaked, and
// (for fineTune) the model's weights untouched, since nothing may train before the check.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrunekitError } from '@prunekit/core';
import { HEADER_BYTES, compressModel, crc32 } from '@prunekit/compress';
import { loadCompressed } from '@prunekit/compress/node';
import { type Loss, distill, meanSquaredError } from '@prunekit/finetune';
import { fineTune } from '@prunekit/finetune/node';
import { loadModel } from '@prunekit/layers/node';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveTinyModel } from './fixtures/tiny_model.js';

let root: string;
let model: tfl.LayersModel;
let teacher: tfl.LayersModel;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'prunekit-api-adversarial-'));
  await saveTinyModel(join(root, 'tiny'));
  if (tf.getBackend() !== 'cpu') throw new Error(`wanted cpu, got ${tf.getBackend()}`);
  model = await loadModel(join(root, 'tiny'));
  teacher = await loadModel(join(root, 'tiny'));
});
afterAll(() => {
  model.dispose();
  teacher.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** The tiny model's inputs: n 8×8×1 images. */
const images = (n: number) => tf.randomUniform([n, 8, 8, 1], 0, 1, 'float32', 1);

/** fineTune on 16 samples with labels of `shape` (and validation labels of `valShape`). */
function train(shape: number[], opts: { loss?: Loss; valShape?: number[] } = {}) {
  return async () => {
    const data = { x: images(16), y: tf.zeros(opts.valShape ? [16, 2] : shape) };
    const validation = opts.valShape ? { x: images(8), y: tf.zeros(opts.valShape) } : undefined;
    try {
      await fineTune(model, data, { epochs: 1, batchSize: 8, verbose: 0, loss: opts.loss, validation });
    } finally {
      tf.dispose([data.x, data.y, validation?.x, validation?.y].filter((t) => t !== undefined));
    }
  };
}

/** A loss without a label check, so a wrong label shape fails inside the training step. */
const unchecked: Loss = {
  name: 'unchecked',
  compute: (ctx) => tf.tidy(() => tf.mean(tf.squaredDifference(ctx.pred, ctx.y)) as tf.Scalar),
};

/**
 * A .pkcm of the tiny model whose topology names `className` where it says `Dense` (same length,
 * so only the checksum changes: stored uncompressed, the CRC-32 of the body at header byte 16).
 */
async function pkcmWithClass(className: string): Promise<string> {
  if (className.length !== 'Dense'.length) throw new Error('the replacement must keep the length');
  const { bytes } = await compressModel(model, { coding: 'none' });
  const text = new TextDecoder('latin1').decode(bytes.subarray(HEADER_BYTES));
  const edited = text.replaceAll('"class_name":"Dense"', `"class_name":"${className}"`);
  if (edited === text) throw new Error('no Dense layer in the topology');
  const out = Uint8Array.from(bytes);
  out.set(
    Uint8Array.from(edited, (ch) => ch.charCodeAt(0)),
    HEADER_BYTES,
  );
  new DataView(out.buffer).setUint32(16, crc32(out.subarray(HEADER_BYTES)), true);
  const file = join(root, `${className}.pkcm`);
  writeFileSync(file, out);
  return file;
}

interface ApiCase {
  readonly name: string;
  readonly run: () => Promise<unknown>;
  readonly code: string;
  readonly message: RegExp;
}

const cases: ApiCase[] = [
  {
    name: 'fineTune: one-hot labels for 5 classes on a 2-class model',
    run: train([16, 5]),
    code: 'E_SHAPE',
    message:
      /data: labels have shape \[16, 5\] but the model outputs \[\?, 2\]; give one-hot labels \[16, 2\] or class indices \[16\] or \[16, 1\]/,
  },
  {
    name: 'fineTune: labels of rank 3 on a [?, 2] output',
    run: train([16, 2, 2]),
    code: 'E_SHAPE',
    message: /labels have shape \[16, 2, 2\]/,
  },
  {
    name: 'fineTune: validation labels of the wrong shape',
    run: train([16, 2], { valShape: [8, 3] }),
    code: 'E_SHAPE',
    message: /validation: labels have shape \[8, 3\]/,
  },
  {
    name: 'fineTune: meanSquaredError targets of another shape',
    run: train([16, 1], { loss: meanSquaredError() }),
    code: 'E_SHAPE',
    message: /targets have shape \[16, 1\] but the model outputs \[\?, 2\]/,
  },
  {
    name: 'fineTune: distill with wrong hard labels',
    run: async () => train([16, 7], { loss: distill({ teacher }) })(),
    code: 'E_SHAPE',
    message: /labels have shape \[16, 7\]/,
  },
  {
    name: 'fineTune: a loss without a label check that fails inside the training step',
    run: train([16, 5], { loss: unchecked }),
    code: 'E_SHAPE',
    message: /Training step 0 failed on inputs \[8,8,8,1\] and labels \[8,5\]/,
  },
  {
    name: 'loadCompressed: a .pkcm whose topology names an unknown layer class',
    run: async () => loadCompressed(await pkcmWithClass('Dunse')),
    code: 'E_FORMAT',
    message: /Dunse\.pkcm'.*modelTopology.*Dunse/,
  },
  {
    name: 'loadCompressed({ sparse }): the same file on the sparse path',
    run: async () => loadCompressed(await pkcmWithClass('Dunse'), { sparse: true }),
    code: 'E_FORMAT',
    message: /modelTopology.*Dunse/,
  },
];

const weightsOf = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('the library under bad inputs: typed errors naming the shapes or layer, no leaks', () => {
  for (const k of cases) {
    it(k.name, async () => {
      const weights = weightsOf(model);
      const tensors = tf.memory().numTensors;
      const err = await k.run().then(
        () => undefined,
        (e) => e,
      );
      expect(err).toBeInstanceOf(PrunekitError);
      expect(err.code).toBe(k.code);
      expect(err.message).toMatch(k.message);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(weightsOf(model)).toEqual(weights);
    });
  }
});
