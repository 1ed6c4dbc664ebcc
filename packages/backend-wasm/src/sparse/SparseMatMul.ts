import { kernelNames, type SparseMatMulAttrs, type SparseMatMulInputs } from '@prunekit/sparse';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { activationCode } from './activation_code.js';
import { prepareOperand, runRows } from './operand.js';
import { sparseModule } from './sparse_module.js';
import { Scratch, type WasmBackendLike, addressOf, backendMemory } from './wasm_backend.js';

/**
 * SparseMatMul on 'wasm', in place on the backend's heap. 'kn' runs the row kernel straight on x;
 * 'nk' (a Dense layer's [batch, in] input) transposes x into scratch first unless batch is 1, where
 * both layouts are the same memory.
 */
function sparseMatMulWasm(args: { inputs: SparseMatMulInputs; attrs: SparseMatMulAttrs; backend: WasmBackendLike }) {
  const { inputs, attrs: a, backend } = args;
  const kn = a.xLayout === 'kn';
  const n = inputs.x.shape[kn ? 1 : 0];
  const out = backend.makeOutput(kn ? [a.rows, n] : [n, a.rows], 'float32');
  if (a.rows === 0 || n === 0) return out;
  const mod = sparseModule(backendMemory(backend));
  const scratch = new Scratch(backend);
  try {
    const op = prepareOperand(mod, backend, scratch, a, inputs, n * 4);
    const bias = addressOf(backend, inputs.bias);
    const act = activationCode(a.activation);
    const x = addressOf(backend, inputs.x);
    const o = addressOf(backend, out);
    if (kn || n === 1) {
      runRows(mod, op, x, n, o, n * 4, bias, act);
    } else {
      const xt = scratch.alloc(a.cols * n);
      const ot = scratch.alloc(a.rows * n);
      mod.transpose(x, n, a.cols, xt);
      runRows(mod, op, xt, n, ot, n * 4, bias, act);
      mod.transpose(ot, a.rows, n, o);
    }
  } finally {
    scratch.free();
  }
  return out;
}

export const sparseMatMulWasmConfig: KernelConfig = {
  kernelName: kernelNames.SparseMatMul,
  backendName: 'wasm',
  kernelFunc: sparseMatMulWasm as unknown as KernelFunc,
};
