import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { FusedActivation, SparseAttrs, SparseOperandInputs } from '@prunekit/sparse';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

/**
 * WGSL pieces shared by the sparse kernels: a loop over the stored entries of one row of S in
 * each format, and the fused activation. Inputs are bound as `values` (f32), `indices` (i32) and,
 * for CSR/BSR, `rowPtr` (i32); the loop body sees `v` (the entry) and `col` (its column in S).
 */
export function forEachEntryOfRow(a: SparseAttrs, row: string, body: string): string {
  if (a.format === 'csr') {
    return `
      for (var p = rowPtr[${row}]; p < rowPtr[${row} + 1]; p++) {
        let v = values[p];
        let col = indices[p];
        ${body}
      }`;
  }
  if (a.format === 'bsr') {
    const r = a.blockRows;
    const c = a.blockCols;
    // Each stored block holds c columns of r values (column by column).
    return `
      let bi = ${row} / ${r};
      let bRow = ${row} % ${r};
      for (var p = rowPtr[bi]; p < rowPtr[bi + 1]; p++) {
        let colBase = indices[p] * ${c};
        for (var bj = 0; bj < ${c}; bj++) {
          let v = values[(p * ${c} + bj) * ${r} + bRow];
          let col = colBase + bj;
          ${body}
        }
      }`;
  }
  const per = (a.cols / a.m) * a.n;
  return `
      let rowBase = ${row} * ${per};
      for (var k = 0; k < ${per}; k++) {
        let v = values[rowBase + k];
        let col = (k / ${a.n}) * ${a.m} + indices[rowBase + k];
        ${body}
      }`;
}

export function wgslActivation(activation: FusedActivation, x: string, vec4 = false): string {
  const c = (v: string) => (vec4 ? `vec4<f32>(${v})` : v);
  if (activation === 'relu') return `max(${x}, ${c('0.0')})`;
  if (activation === 'relu6') return `clamp(${x}, ${c('0.0')}, ${c('6.0')})`;
  return x;
}

/** Part of a shader cache key that fixes every compile-time constant of the sparse operand. */
export function sparseKey(a: SparseAttrs): string {
  return `${a.format}_${a.rows}x${a.cols}_b${a.blockRows}x${a.blockCols}_nm${a.n}:${a.m}`;
}

/**
 * Runs `f` with the operand's values and indices, standing in one-element buffers when nothing is
 * stored (an all-zero CSR/BSR matrix): WebGPU cannot bind an empty buffer, and the row pointers
 * keep the kernel from reading the stand-ins.
 */
export function withStoredEntries(
  backend: WebGPUBackend,
  inputs: SparseOperandInputs,
  f: (values: TensorInfo, indices: TensorInfo) => TensorInfo,
): TensorInfo {
  if (inputs.values.shape[0] > 0) return f(inputs.values, inputs.indices);
  const values = backend.makeTensorInfo([1], 'float32', new Float32Array(1));
  const indices = backend.makeTensorInfo([1], 'int32', new Int32Array(1));
  try {
    return f(values, indices);
  } finally {
    backend.disposeData(values.dataId);
    backend.disposeData(indices.dataId);
  }
}

/**
 * Runs a sparse program with its inputs bound in the order the WGSL declares them: values, indices,
 * rowPtr (CSR/BSR only), x, then bias when present.
 */
export function runSparseProgram(
  backend: WebGPUBackend,
  program: WebGPUProgram,
  format: SparseAttrs['format'],
  inputs: SparseOperandInputs & { x: TensorInfo },
): TensorInfo {
  return withStoredEntries(backend, inputs, (values, indices) => {
    const ordered = [values, indices, ...(format === 'nm' ? [] : [inputs.rowPtr as TensorInfo]), inputs.x];
    if (inputs.bias) ordered.push(inputs.bias);
    return backend.runWebGPUProgram(program, ordered, 'float32');
  });
}
