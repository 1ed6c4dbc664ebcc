import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSystemIO, loadModel, saveModel } from '../src/node.js';
import { sequentialFixture, tf } from './fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'prunekit-io-locations-'));
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const file = join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  rmSync(root, { recursive: true, force: true });
});

const predict = (m: import('@tensorflow/tfjs-layers').LayersModel) =>
  tf.tidy(() => Array.from((m.predict(tf.ones([1, 8, 8, 3])) as tf.Tensor).dataSync()));

describe('tfjs IO conventions: paths, file:// and http(s) URLs, IOHandlers', () => {
  it('saveModel to a file:// URL writes that folder (not a folder named "file:"); loadModel reads it back', async () => {
    const before = tf.memory().numTensors;
    const m = sequentialFixture();
    const dir = join(root, 'by-url');
    await saveModel(m, pathToFileURL(dir).href);
    expect(existsSync(join(dir, 'model.json'))).toBe(true);
    expect(existsSync(join(process.cwd(), 'file:'))).toBe(false);
    const back = await loadModel(pathToFileURL(join(dir, 'model.json')));
    expect(predict(back)).toEqual(predict(m));
    back.dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loadModel reads an http:// URL (tf.io.http) with the same checks', async () => {
    const before = tf.memory().numTensors;
    const m = sequentialFixture();
    await saveModel(m, join(root, 'served'));
    const back = await loadModel(`${base}/served/model.json`);
    expect(predict(back)).toEqual(predict(m));
    back.dispose();
    // A manifest naming a weight twice is refused from http too.
    const j = JSON.parse(readFileSync(join(root, 'served', 'model.json'), 'utf8'));
    j.weightsManifest[0].weights.push(j.weightsManifest[0].weights[0]);
    writeFileSync(
      join(root, 'served-bad.json'),
      JSON.stringify({
        ...j,
        weightsManifest: [{ ...j.weightsManifest[0], paths: ['served/group1-shard1of1.bin'] }],
      }),
    );
    await expect(loadModel(`${base}/served-bad.json`)).rejects.toMatchObject({ code: 'E_MODEL_FORMAT' });
    await expect(loadModel(`${base}/nothing.json`)).rejects.toMatchObject({ code: 'E_MODEL_NOT_FOUND' });
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loadModel and saveModel take any tf.io.IOHandler; saveModel refuses http and unknown schemes', async () => {
    const before = tf.memory().numTensors;
    const m = sequentialFixture();
    let saved: tf.io.ModelArtifacts | undefined;
    await saveModel(
      m,
      tf.io.withSaveHandler(async (a) => {
        saved = a;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
      }),
    );
    const back = await loadModel(tf.io.fromMemory(saved!));
    expect(predict(back)).toEqual(predict(m));
    back.dispose();
    const viaFs = await loadModel(fileSystemIO(join(root, 'by-url')));
    viaFs.dispose();
    await expect(saveModel(m, `${base}/x`)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await expect(saveModel(m, 'indexeddb://x')).rejects.toThrow(/scheme 'indexeddb:\/\/'/);
    await expect(loadModel(42 as never)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a topology tfjs cannot build (unknown class, weight shape mismatch) leaks no tensor', async () => {
    const m = sequentialFixture();
    const dir = join(root, 'broken');
    await saveModel(m, dir);
    m.dispose();
    const file = join(dir, 'model.json');
    const good = readFileSync(file, 'utf8');
    const before = tf.memory().numTensors;
    const j = JSON.parse(good);
    j.modelTopology.config.layers[3].class_name = 'NoSuchLayer';
    writeFileSync(file, JSON.stringify(j));
    await expect(loadModel(dir)).rejects.toMatchObject({ code: 'E_MODEL_FORMAT' });
    expect(tf.memory().numTensors).toBe(before);
    const k = JSON.parse(good);
    const w = k.weightsManifest[0].weights[0];
    w.shape = [...w.shape].reverse();
    writeFileSync(file, JSON.stringify(k));
    await expect(loadModel(dir)).rejects.toMatchObject({ code: 'E_MODEL_FORMAT' });
    expect(tf.memory().numTensors).toBe(before);
  });
});
