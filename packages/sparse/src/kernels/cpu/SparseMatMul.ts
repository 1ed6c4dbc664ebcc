import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { SparseMatMul, type SparseMatMulAttrs, type SparseMatMulInputs } from '../../kernel_names.js';
import { activate, expandRows } from '../expand_rows.js';

type CpuBackend = {
  readSync(dataId: unknown): unknown;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
};

/** Reference SparseMatMul: plain loops over the stored entries, float64 accumulation per output. */
function sparseMatMulCpu(args: {
  inputs: SparseMatMulInputs;
  attrs: SparseMatMulAttrs;
  backend: CpuBackend;
}) {
  const { inputs, attrs, backend } = args;
  const read = (t?: TensorInfo) => (t ? backend.readSync(t.dataId) : undefined);
  const e = expandRows(
    attrs,
    read(inputs.values) as Float32Array,
    read(inputs.indices) as Int32Array,
    read(inputs.rowPtr) as Int32Array | undefined,
  );
  const x = read(inputs.x) as Float32Array;
  const bias = read(inputs.bias) as Float32Array | undefined;
  const { rows, cols } = attrs;
  const nk = attrs.xLayout === 'nk';
  const n = inputs.x.shape[nk ? 0 : 1];
  const out = new Float32Array(rows * n);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < n; j++) {
      let acc = bias ? bias[r] : 0;
      for (let p = e.rowPtr[r]; p < e.rowPtr[r + 1]; p++) {
        acc += e.vals[p] * x[nk ? j * cols + e.cols[p] : e.cols[p] * n + j];
      }
      out[nk ? j * rows + r : r * n + j] = activate(acc, attrs.activation);
    }
  }
  return backend.makeTensorInfo(nk ? [n, rows] : [rows, n], 'float32', out);
}

export const sparseMatMulCpuConfig: KernelConfig = {
  kernelName: SparseMatMul,
  backendName: 'cpu',
  kernelFunc: sparseMatMulCpu as unknown as KernelFunc,
};
