import '@tensorflow/tfjs-backend-cpu';
import { NonFiniteError, PrunekitError, ShapeError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SparseFormatError,
  bsrFromDense,
  createBsr,
  createCsr,
  createNm,
  csrFromDense,
  fromKernel,
  nmFromDense,
  registerCpuSparseKernels,
  sparseMatMul,
  storedSparsity,
  toDense,
  toSparseTensors,
} from '../src/index.js';

const dense = Float32Array.from([0, 2, 0, 0, 1, 0, 0, 3, 0, 0, 0, 0, 4, 0, 0, 6]); // [4, 4]

describe('sparse formats', () => {
  it('round-trip a dense matrix through CSR, BSR and N:M', () => {
    expect(toDense(csrFromDense(dense, [4, 4]))).toEqual(dense);
    expect(toDense(bsrFromDense(dense, [4, 4], [2, 1]))).toEqual(dense);
    expect(toDense(bsrFromDense(dense, [4, 4], [4, 1]))).toEqual(dense);
    expect(toDense(nmFromDense(dense, [4, 4], 2, 4))).toEqual(dense);
    expect(storedSparsity(csrFromDense(dense, [4, 4]))).toBeCloseTo(11 / 16);
  });

  it('keeps exactly the masked entries', () => {
    const mask = Uint8Array.from(dense, (v) => (v !== 0 ? 1 : 0));
    mask[1] = 0;
    const s = csrFromDense(dense, [4, 4], mask);
    expect(s.values.length).toBe(4);
    expect(toDense(s)[1]).toBe(0);
  });

  it('transposes layer kernels to [out, rest] rows', () => {
    // Dense kernel [in=2, out=3]
    const k = Float32Array.from([1, 0, 2, 0, 3, 0]);
    const s = fromKernel(k, [2, 3], { format: 'csr' });
    expect(s.shape).toEqual([3, 2]);
    expect(Array.from(toDense(s))).toEqual([1, 0, 0, 3, 2, 0]);
  });

  it('rejects bad structure with typed errors at construction', () => {
    const ok = { shape: [2, 3], rowPtr: [0, 1, 2], colIdx: [0, 2], values: [1, 2] };
    expect(() => createCsr(ok)).not.toThrow();
    expect(() => createCsr({ ...ok, colIdx: [0, 3] })).toThrow(SparseFormatError);
    expect(() => createCsr({ ...ok, rowPtr: [0, 2, 2], colIdx: [2, 1] })).toThrow(/not strictly increasing/);
    expect(() => createCsr({ ...ok, rowPtr: [0, 1] })).toThrow(ShapeError);
    expect(() => createCsr({ ...ok, values: [1, Number.NaN] })).toThrow(NonFiniteError);
    expect(() => createCsr({ ...ok, values: [1] })).toThrow(ShapeError);
    expect(() =>
      createBsr({ shape: [3, 2], blockShape: [2, 1], rowPtr: [0], colIdx: [], values: [] }),
    ).toThrow(/does not divide into 2x1 blocks/);
    expect(() => createNm({ shape: [1, 4], n: 2, m: 4, indices: [1, 1], values: [1, 2] })).toThrow(
      SparseFormatError,
    );
    expect(() => createNm({ shape: [1, 4], n: 2, m: 4, indices: [0, 4], values: [1, 2] })).toThrow(
      SparseFormatError,
    );
    expect(() => nmFromDense(Float32Array.from([1, 1, 1, 0]), [1, 4], 2, 4)).toThrow(/more than 2 of 4/);
    try {
      createCsr({ ...ok, colIdx: [0, 9] }, "layer 'fc1' kernel");
    } catch (e) {
      expect(e).toBeInstanceOf(PrunekitError);
      expect((e as PrunekitError).code).toBe('E_FORMAT');
      expect((e as Error).message).toContain("layer 'fc1' kernel");
    }
  });
});

describe('sparseMatMul op on cpu', () => {
  beforeAll(async () => {
    registerCpuSparseKernels();
    await tf.setBackend('cpu');
  });

  it('validates shapes before running a kernel and does not leak', () => {
    expect(tf.getBackend()).toBe('cpu');
    const before = tf.memory().numTensors;
    const s = toSparseTensors(csrFromDense(dense, [4, 4]));
    const x = tf.ones([3, 2]) as tf.Tensor2D;
    expect(() => sparseMatMul(s, x)).toThrow(ShapeError);
    const ones = tf.ones([4, 2]) as tf.Tensor2D;
    const y = sparseMatMul(s, ones, { activation: 'relu' });
    expect(Array.from(y.dataSync())).toEqual([2, 2, 4, 4, 0, 0, 10, 10]);
    tf.dispose([x, y, ones]);
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('kernelToRows reads the output axis it is given', () => {
  it('out axis 0 of a [2, 3] weight: the rows are the weight itself; the last axis is its transpose', async () => {
    const { kernelToRows } = await import('../src/index.js');
    const k = Float32Array.from([1, 2, 3, 4, 5, 6]);
    expect(Array.from(kernelToRows(k, [2, 3], 0))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(kernelToRows(k, [2, 3]))).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
