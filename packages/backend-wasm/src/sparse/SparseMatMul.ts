import { kernelNames, type SparseMatMulAttrs, type SparseMatMulInputs } from '@prunekit/sparse';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { activationCode } from './activation_code.js';
import { kindCode } from './operand.js';
import { cachedOperand } from './operand_cache.js';
import { NM_PANEL_BYTES, NM_PANEL_WIDTH, PANEL_BYTES, PANEL_WIDTH, sparseModule } from './sparse_module.js';
import { type WasmBackendLike, addressOf, backendMemory } from './wasm_backend.js';
import { workspaceFor } from './workspace.js';

/**
 * SparseMatMul on 'wasm', reading and writing tensors in place on the backend's heap. 'kn' packs
 * 16-column slices of x into a panel; 'nk' (a Dense layer's [batch, in] input) transposes 16 rows of
 * x at a time into the panel and transposes each result panel into the output.
 */
function sparseMatMulWasm(args: {
  inputs: SparseMatMulInputs;
  attrs: SparseMatMulAttrs;
  backend: WasmBackendLike;
}) {
  const { inputs, attrs: a, backend } = args;
  const kn = a.xLayout === 'kn';
  const n = inputs.x.shape[kn ? 1 : 0];
  const out = backend.makeOutput(kn ? [a.rows, n] : [n, a.rows], 'float32');
  if (a.rows === 0 || n === 0) return out;
  const mod = sparseModule(backendMemory(backend));
  const scratch = workspaceFor(backend);
  // Offsets address rows of the panels the kernels pack B (or Xᵀ) into: 16 floats wide, or 24 for
  // N:M in 'kn' (spmmKn kind 2).
  const nmKn = kn && a.format === 'nm';
  if (!kn && n === 1 && a.format !== 'bsr') {
    // One input row (a Dense layer at batch 1): the rows kernel reads x in place as a 1-column
    // operand (offsets = column · 4) and writes out with a 4-byte row stride — no panel, no transposes.
    const op = cachedOperand(mod, backend, a, inputs, 4);
    const b = addressOf(backend, inputs.bias);
    const act = activationCode(a.activation);
    mod.csrRows(
      op.rowPtr,
      op.offs,
      op.vals,
      op.rows,
      addressOf(backend, inputs.x),
      1,
      addressOf(backend, out),
      4,
      b,
      act,
    );
    return out;
  }
  const op = cachedOperand(mod, backend, a, inputs, nmKn ? NM_PANEL_BYTES : PANEL_BYTES);
  const bias = addressOf(backend, inputs.bias);
  const act = activationCode(a.activation);
  const x = addressOf(backend, inputs.x);
  const o = addressOf(backend, out);
  const panel = scratch.alloc(a.cols * (nmKn ? NM_PANEL_WIDTH : PANEL_WIDTH));
  if (kn) {
    mod.spmmKn(
      kindCode(op),
      op.rowPtr,
      op.offs,
      op.vals,
      op.rows,
      op.r,
      op.c,
      x,
      a.cols,
      n,
      o,
      bias,
      act,
      panel,
    );
  } else {
    const outPanel = scratch.alloc(a.rows * PANEL_WIDTH);
    mod.spmmNk(
      kindCode(op),
      op.rowPtr,
      op.offs,
      op.vals,
      op.rows,
      op.r,
      op.c,
      a.rows,
      x,
      a.cols,
      n,
      o,
      bias,
      act,
      panel,
      outPanel,
    );
  }
  return out;
}

export const sparseMatMulWasmConfig: KernelConfig = {
  kernelName: kernelNames.SparseMatMul,
  backendName: 'wasm',
  kernelFunc: sparseMatMulWasm as unknown as KernelFunc,
};
