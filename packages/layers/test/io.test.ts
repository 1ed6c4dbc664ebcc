import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMask,
  createRng,
  type MaskSet,
  NonFiniteError,
  type PrunekitError,
  writeMasks,
} from '@prunekit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraph, modelSource, readMasks } from '../src/index.js';
import {
  fileSystemIO,
  flushRetired,
  loadModel,
  modelFileBytes,
  saveModel,
  writeFilesAtomic,
} from '../src/node.js';
import { functionalFixture, noLeaks, sequentialFixture, tf, tfl } from './fixtures.js';

let root: string;
let n = 0;
const fresh = (name = 'm') => join(root, `${name}-${n++}`);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'prunekit-layers-io-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every file under `dir` with its bytes (hex), or null when the folder is absent. */
function snapshot(dir: string): Record<string, string> | null {
  try {
    statSync(dir);
  } catch {
    return null;
  }
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out[prefix + e.name] = readFileSync(join(d, e.name)).toString('hex');
    }
  };
  walk(dir, '');
  return out;
}

/** Names of leftover temporary folders in `parent`. */
const leftovers = (parent: string) => {
  const linked = new Set(
    readdirSync(parent, { withFileTypes: true })
      .filter((e) => e.isSymbolicLink())
      .map((e) => readlinkSync(join(parent, e.name))),
  );
  return readdirSync(parent).filter((f) => /\.(tmp|lnk|old|v)-/.test(f) && !linked.has(f));
};

/** A batch of seeded inputs. */
function inputs(shape: number[], seed: number): tf.Tensor {
  const rng = createRng(seed);
  const size = shape.reduce((a, d) => a * d, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => rng.next() * 2 - 1),
    shape,
  );
}

function predictValues(model: tfl.LayersModel, x: tf.Tensor): Float32Array {
  return tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array).slice();
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Reads a saved folder with plain fs and loads it with stock tfjs (no prunekit code). */
async function stockLoad(dir: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const group = json.weightsManifest[0];
  const bytes = Buffer.concat(group.paths.map((p: string) => readFileSync(join(dir, p))));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: group.weights, weightData }),
  );
}

/** A pruned functional model: every third weight of each prunable kernel set to exact zero. */
function prunedModel(): { model: tfl.LayersModel; masks: MaskSet } {
  const model = functionalFixture();
  const g = buildGraph(model);
  const masks: MaskSet = new Map();
  for (const p of g.params((q) => q.prunable)) {
    const m = createMask(p.shape, 1);
    for (let i = 0; i < m.data.length; i += 3) m.data[i] = 0;
    masks.set(p.id, m);
  }
  writeMasks(g.weights, masks);
  return { model, masks };
}

async function codeOf(p: Promise<unknown>): Promise<PrunekitError> {
  try {
    await p;
  } catch (e) {
    return e as PrunekitError;
  }
  throw new Error('expected a rejection');
}

describe('saveModel round trip', () => {
  it('loads with stock tf.loadLayersModel, predicts the same and keeps exact zeros', async () => {
    const before = tf.memory().numTensors;
    const { model, masks } = prunedModel();
    const dir = fresh('pruned');
    const res = await saveModel(model, dir);
    expect(res.files).toEqual(['group1-shard1of1.bin', 'model.json']);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.generatedBy).toMatch(/^prunekit/);
    expect(json.weightsManifest[0].paths).toEqual(['group1-shard1of1.bin']);
    expect(await modelFileBytes(dir)).toBe(res.bytes);
    await flushRetired();
    expect(leftovers(root)).toEqual([]);

    const loaded = await stockLoad(dir);
    const x = inputs([4, 8, 8, 3], 11);
    expect(maxAbsDiff(predictValues(model, x), predictValues(loaded, x))).toBeLessThanOrEqual(1e-6);
    const back = readMasks(buildGraph(loaded));
    for (const [id, m] of masks) expect(back.get(id)!.data).toEqual(m.data);

    const viaLoad = await loadModel(join(dir, 'model.json'));
    expect(modelSource(viaLoad)).toBeDefined();
    expect(maxAbsDiff(predictValues(model, x), predictValues(viaLoad, x))).toBe(0);
    tf.dispose(x);
    for (const m of [model, loaded, viaLoad]) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('splits weights into several shards and reads them back', async () => {
    const before = tf.memory().numTensors;
    const model = sequentialFixture();
    const dir = fresh('sharded');
    const res = await saveModel(model, dir, { shardBytes: 256 });
    const shards = res.files.filter((f) => f.endsWith('.bin'));
    expect(shards.length).toBeGreaterThan(3);
    expect(shards[0]).toBe(`group1-shard1of${shards.length}.bin`);
    const total = readdirSync(dir).reduce((a, f) => a + statSync(join(dir, f)).size, 0);
    expect(await modelFileBytes(dir)).toBe(total);
    const loaded = await loadModel(dir);
    const stock = await stockLoad(dir);
    const x = inputs([2, 8, 8, 3], 12);
    const y = predictValues(model, x);
    expect(maxAbsDiff(y, predictValues(loaded, x))).toBe(0);
    expect(maxAbsDiff(y, predictValues(stock, x))).toBe(0);
    tf.dispose(x);
    for (const m of [model, loaded, stock]) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('works as a tf.io.IOHandler for model.save and tf.loadLayersModel', async () => {
    const before = tf.memory().numTensors;
    const model = sequentialFixture();
    const dir = fresh('handler');
    await model.save(fileSystemIO(dir));
    const loaded = await tfl.loadLayersModel(fileSystemIO(dir));
    const x = inputs([1, 8, 8, 3], 13);
    expect(maxAbsDiff(predictValues(model, x), predictValues(loaded, x))).toBe(0);
    tf.dispose(x);
    model.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('loadModel refuses bad inputs without writing anything', () => {
  let good: string;
  beforeAll(async () => {
    const m = sequentialFixture();
    good = fresh('good');
    await saveModel(m, good);
    m.dispose();
  });

  /** A copy of the good model folder, edited by `edit`. */
  function variant(edit: (dir: string) => void): string {
    const dir = fresh('bad');
    mkdirSync(dir);
    for (const f of readdirSync(good)) writeFileSync(join(dir, f), readFileSync(join(good, f)));
    edit(dir);
    return dir;
  }
  const editJson = (dir: string, fn: (j: Record<string, any>) => void) => {
    const j = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    fn(j);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
  };

  async function expectRefused(dir: string, code: string, ...mentions: (string | RegExp)[]) {
    const snap = snapshot(dir);
    const before = tf.memory().numTensors;
    const err = await codeOf(loadModel(join(dir, 'model.json')));
    expect(err.code).toBe(code);
    for (const m of mentions) expect(err.message).toMatch(m);
    expect(snapshot(dir)).toEqual(snap);
    expect(tf.memory().numTensors).toBe(before);
    await flushRetired();
    expect(leftovers(root)).toEqual([]);
  }

  it('missing model.json → E_MODEL_NOT_FOUND naming the path', async () => {
    const dir = fresh('absent');
    await expectRefused(dir, 'E_MODEL_NOT_FOUND', join(dir, 'model.json'));
    expect(snapshot(dir)).toBeNull();
  });

  it('malformed JSON → E_MODEL_FORMAT', async () => {
    const dir = variant((d) => writeFileSync(join(d, 'model.json'), '{"modelTopology": {'));
    await expectRefused(dir, 'E_MODEL_FORMAT', 'is not valid JSON', 'model.json');
  });

  it('missing modelTopology → E_MODEL_FORMAT naming the field', async () => {
    const dir = variant((d) => editJson(d, (j) => delete j.modelTopology));
    await expectRefused(dir, 'E_MODEL_FORMAT', "'modelTopology'");
  });

  it('missing weightsManifest → E_MODEL_FORMAT naming the field', async () => {
    const dir = variant((d) => editJson(d, (j) => delete j.weightsManifest));
    await expectRefused(dir, 'E_MODEL_FORMAT', "'weightsManifest'");
  });

  it('shard bytes disagreeing with the manifest → E_WEIGHTS_MISMATCH naming the file and both sizes', async () => {
    const size = statSync(join(good, 'group1-shard1of1.bin')).size;
    const dir = variant((d) => appendFileSync(join(d, 'group1-shard1of1.bin'), Buffer.alloc(8)));
    await expectRefused(
      dir,
      'E_WEIGHTS_MISMATCH',
      'group1-shard1of1.bin',
      `${size} bytes`,
      `${size + 8} bytes`,
    );
  });

  it('a missing shard → E_MODEL_NOT_FOUND naming the shard', async () => {
    const dir = variant((d) => rmSync(join(d, 'group1-shard1of1.bin')));
    await expectRefused(dir, 'E_MODEL_NOT_FOUND', 'group1-shard1of1.bin');
  });

  it("a weight path escaping the folder ('../x.bin') → E_PATH_ESCAPE, the outside file is not read", async () => {
    const dir = variant((d) => {
      writeFileSync(join(d, '..', `x-${n}.bin`), readFileSync(join(good, 'group1-shard1of1.bin')));
      editJson(d, (j) => {
        j.weightsManifest[0].paths = [`../x-${n}.bin`];
      });
    });
    await expectRefused(dir, 'E_PATH_ESCAPE', `'../x-`, 'outside the model folder');
  });

  it('an absolute weight path → E_PATH_ESCAPE', async () => {
    const abs = join(good, 'group1-shard1of1.bin');
    const dir = variant((d) =>
      editJson(d, (j) => {
        j.weightsManifest[0].paths = [abs];
      }),
    );
    await expectRefused(dir, 'E_PATH_ESCAPE', abs, 'is absolute');
  });

  it('NaN / Infinity weights → E_NON_FINITE naming the weight', async () => {
    const json = JSON.parse(readFileSync(join(good, 'model.json'), 'utf8'));
    const specs = json.weightsManifest[0].weights as { name: string; shape: number[] }[];
    // byte offset of the second weight (c1/bias), all float32
    const first = specs[0].shape.reduce((a, d) => a * d, 1);
    const dir = variant((d) => {
      const buf = readFileSync(join(d, 'group1-shard1of1.bin'));
      buf.writeFloatLE(Number.NaN, first * 4 + 4);
      writeFileSync(join(d, 'group1-shard1of1.bin'), buf);
    });
    await expectRefused(dir, 'E_NON_FINITE', `'${specs[1].name}'`, 'NaN at flat index 1');
  });
});

describe('saveModel refuses bad targets without writing anything', () => {
  it('refuses a non-empty target unless { overwrite: true }, then replaces it atomically', async () => {
    const model = sequentialFixture();
    const dir = fresh('full');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    const snap = snapshot(dir);
    const err = await codeOf(saveModel(model, dir));
    expect(err.code).toBe('E_OUTPUT_EXISTS');
    expect(err.message).toContain(dir);
    expect(err.message).toContain('overwrite: true');
    expect(snapshot(dir)).toEqual(snap);

    await saveModel(model, dir, { overwrite: true });
    expect(Object.keys(snapshot(dir)!).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    expect(readdirSync(root).filter((f) => /\.(tmp|old|lnk)-/.test(f))).toEqual([]);
    model.dispose();
  });

  it('refuses the folder a model was loaded from, even with overwrite', async () => {
    const m = sequentialFixture();
    const dir = fresh('source');
    await saveModel(m, dir);
    m.dispose();
    const loaded = await loadModel(dir);
    const snap = snapshot(dir);
    const err = await codeOf(saveModel(loaded, dir, { overwrite: true }));
    expect(err.code).toBe('E_INPUT_PROTECTED');
    expect(err.message).toMatch(/the folder of an input model/);
    expect(snapshot(dir)).toEqual(snap);
    loaded.dispose();
  });

  it('refuses a model with non-finite weights; the target stays absent', async () => {
    const model = sequentialFixture();
    const g = buildGraph(model);
    await noLeaks(() => {
      const v = g.weights.values('bn/gamma');
      v[2] = Number.NaN;
      const t = tf.tensor(v, [4]);
      g.weights.assign('bn/gamma', t);
      t.dispose();
    });
    const dir = fresh('nan');
    const err = await codeOf(saveModel(model, dir));
    expect(err).toBeInstanceOf(NonFiniteError);
    expect(err.message).toContain("'bn/gamma'");
    expect(snapshot(dir)).toBeNull();
    await flushRetired();
    expect(leftovers(root)).toEqual([]);
    model.dispose();
  });

  it('a write that fails midway leaves the existing target unchanged and no temp folder', async () => {
    const dir = fresh('midway');
    mkdirSync(dir);
    writeFileSync(join(dir, 'model.json'), 'old');
    const snap = snapshot(dir);
    const files = new Map<string, Uint8Array | string>([
      ['group1-shard1of1.bin', new Uint8Array(16)],
      ['model.json', 42 as unknown as string], // not writable: fails after the first file
    ]);
    await expect(writeFilesAtomic(dir, files, { overwrite: true })).rejects.toThrow();
    expect(snapshot(dir)).toEqual(snap);
    await flushRetired();
    expect(leftovers(root)).toEqual([]);
  });

  it('refuses file names that are not plain names', async () => {
    const dir = fresh('names');
    const err = await codeOf(writeFilesAtomic(dir, new Map([['../evil.bin', 'x']])));
    expect(err.code).toBe('E_PATH_ESCAPE');
    expect(snapshot(dir)).toBeNull();
  });
});
