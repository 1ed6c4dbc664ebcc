// What the sparse kernels keep between calls: offset tables cached per indices tensor (keyed by
// offset multiplier and conv plane geometry) and the per-backend workspace. Reuse must never give a
// stale answer: the same operand at other shapes and layouts, and new operands, match dense tfjs.
import '@tensorflow/tfjs-backend-cpu';
import { createRng } from '@prunekit/core';
import { sparseConv2d, sparseFromDense, sparseMatMul, toSparseTensors } from '@prunekit/sparse';
import { expectNoLeaks } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../src/index.js';
import type { WasmBackendLike } from '../src/sparse/wasm_backend.js';
import { Workspace } from '../src/sparse/workspace.js';

const rng = createRng(5);

/** Dense [rows, cols] weights with about `density` of them nonzero. */
function weights(rows: number, cols: number, density: number): Float32Array {
  return Float32Array.from({ length: rows * cols }, () => (rng.next() < density ? rng.normal() : 0));
}

function maxRelErr(got: tf.Tensor, want: tf.Tensor): number {
  const g = got.dataSync();
  const w = want.dataSync();
  expect(g.length).toBe(w.length);
  let scale = 1;
  let err = 0;
  for (let i = 0; i < w.length; i++) {
    scale = Math.max(scale, Math.abs(w[i]));
    err = Math.max(err, Math.abs(g[i] - w[i]));
  }
  return err / scale;
}

/** [rows, kh·kw·cin] row layout → the [kh, kw, cin, rows] filter tf.conv2d takes. */
function filterOf(w: Float32Array, rows: number, kh: number, kw: number, cin: number): tf.Tensor4D {
  const rest = kh * kw * cin;
  const f = new Float32Array(w.length);
  for (let o = 0; o < rows; o++) for (let i = 0; i < rest; i++) f[i * rows + o] = w[o * rest + i];
  return tf.tensor4d(f, [kh, kw, cin, rows]);
}

beforeAll(async () => {
  await useBackend();
  expect(tf.getBackend()).toBe('wasm');
});

describe('sparse kernels reused across calls', () => {
  it('one conv operand at three image sizes, twice each, matches tf.conv2d every time', async () => {
    await expectNoLeaks(() => {
      const [cout, cin] = [8, 5];
      const w = weights(cout, 9 * cin, 0.3);
      const s = toSparseTensors(sparseFromDense(w, [cout, 9 * cin], { format: 'csr' }));
      const filter = filterOf(w, cout, 3, 3, cin);
      for (const [h, wd] of [
        [7, 9],
        [12, 5],
        [7, 9],
      ]) {
        const x = tf.randomUniform([2, h, wd, cin], -1, 1, 'float32', rng.int(1e6)) as tf.Tensor4D;
        for (let rep = 0; rep < 2; rep++) {
          const got = sparseConv2d(x, s, { filterSize: [3, 3], padding: 'same' });
          const want = tf.conv2d(x, filter, 1, 'same');
          expect(maxRelErr(got, want)).toBeLessThanOrEqual(1e-5);
          tf.dispose([got, want]);
        }
        x.dispose();
      }
      filter.dispose();
      s.dispose();
    });
  });

  it("one matMul operand in 'kn' and 'nk' layouts (batch 1 and 5) and in both formats that cache rows", async () => {
    await expectNoLeaks(() => {
      for (const spec of [{ format: 'csr' } as const, { format: 'nm', n: 2, m: 4 } as const]) {
        const [rows, cols] = [12, 32];
        const w = spec.format === 'nm' ? weights(rows, cols, 1) : weights(rows, cols, 0.3);
        if (spec.format === 'nm') {
          // Keep the 2 largest of every 4.
          for (let r = 0; r < rows; r++) {
            for (let g = 0; g < cols; g += 4) {
              const idx = [0, 1, 2, 3].sort(
                (a, b) => Math.abs(w[r * cols + g + a]) - Math.abs(w[r * cols + g + b]),
              );
              w[r * cols + g + idx[0]] = 0;
              w[r * cols + g + idx[1]] = 0;
            }
          }
        }
        const s = toSparseTensors(sparseFromDense(w, [rows, cols], spec));
        const a = tf.tensor2d(w, [rows, cols]);
        for (const n of [1, 5, 1, 30]) {
          const xkn = tf.randomUniform([cols, n], -1, 1, 'float32', rng.int(1e6)) as tf.Tensor2D;
          const xnk = tf.transpose(xkn) as tf.Tensor2D;
          const kn = sparseMatMul(s, xkn);
          const nk = sparseMatMul(s, xnk, { xLayout: 'nk' });
          const want = tf.matMul(a, xkn);
          const wantT = tf.transpose(want);
          expect(maxRelErr(kn, want)).toBeLessThanOrEqual(1e-5);
          expect(maxRelErr(nk, wantT)).toBeLessThanOrEqual(1e-5);
          tf.dispose([xkn, xnk, kn, nk, want, wantT]);
        }
        a.dispose();
        s.dispose();
      }
    });
  });

  it("2:4 rows longer than the N:M kernels' K slice, over 24-column panels and their tail", async () => {
    await expectNoLeaks(() => {
      const [rows, cols, n] = [6, 1100, 50]; // 550 entries per row: three K slices; 50 = 24 + 24 + 2
      const w = weights(rows, cols, 1);
      for (let i = 0; i < w.length; i += 4) {
        const drop = (i >> 2) % 3; // vary which two of the four are kept
        w[i + drop] = 0;
        w[i + 3] = 0;
      }
      const s = toSparseTensors(sparseFromDense(w, [rows, cols], { format: 'nm', n: 2, m: 4 }));
      const a = tf.tensor2d(w, [rows, cols]);
      const x = tf.randomUniform([cols, n], -1, 1, 'float32', 9) as tf.Tensor2D;
      const b = tf.randomUniform([rows], -1, 1, 'float32', 10) as tf.Tensor1D;
      const got = sparseMatMul(s, x, { bias: b, activation: 'relu' });
      const want = tf.tidy(() => tf.relu(tf.add(tf.matMul(a, x), tf.reshape(b, [rows, 1]))));
      expect(maxRelErr(got, want)).toBeLessThanOrEqual(1e-5);
      tf.dispose([a, x, b, got, want]);
      s.dispose();
    });
  });

  it('a new operand after the old one is disposed gets its own tables', async () => {
    await expectNoLeaks(() => {
      const x = tf.randomUniform([20, 6], -1, 1, 'float32', 3) as tf.Tensor2D;
      for (let i = 0; i < 4; i++) {
        const w = weights(10, 20, 0.2 + 0.2 * (i % 3));
        const s = toSparseTensors(sparseFromDense(w, [10, 20], { format: 'csr' }));
        const a = tf.tensor2d(w, [10, 20]);
        const got = sparseMatMul(s, x);
        const want = tf.matMul(a, x);
        expect(maxRelErr(got, want)).toBeLessThanOrEqual(1e-5);
        tf.dispose([got, want, a]);
        s.dispose();
      }
      x.dispose();
    });
  });
});

describe('Workspace', () => {
  it('hands out 64-byte aligned, disjoint buffers and the same ones again after reset', () => {
    let next = 1000;
    const mallocs: number[] = [];
    const backend = {
      wasm: {
        _malloc: (bytes: number) => {
          const p = next;
          next += bytes + 8;
          mallocs.push(bytes);
          return p;
        },
        _free: () => {},
      },
    } as unknown as WasmBackendLike;
    const ws = new Workspace(backend);
    const first = [ws.alloc(10), ws.alloc(1000), ws.alloc(40_000)];
    for (const p of first) expect(p % 64).toBe(0);
    const sorted = [...first].sort((a, b) => a - b);
    expect(sorted[1] - sorted[0]).toBeGreaterThanOrEqual(10 * 4);
    expect(sorted[2] - sorted[1]).toBeGreaterThanOrEqual(1000 * 4);
    ws.reset();
    expect([ws.alloc(10), ws.alloc(1000), ws.alloc(40_000)]).toEqual(first);
    const before = mallocs.length;
    ws.reset();
    ws.alloc(100_000); // larger than any chunk so far: a new chunk
    expect(mallocs.length).toBe(before + 1);
  });
});
