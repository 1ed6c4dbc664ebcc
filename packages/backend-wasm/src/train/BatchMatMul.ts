// Wraps tfjs-wasm's BatchMatMul: its XNNPACK path only serves transposeA = transposeB = false;
// either flag drops to a plain loop ~10x slower (measured: 256×512·512×128 1.9 ms vs 33 ms).
// Gradients of dense layers always set one flag, so the operand is transposed explicitly first.
import {
  type BatchMatMulAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  BatchMatMul,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Scratch } from './wasm_calls.js';

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

export function makeBatchMatMulConfig(original: KernelConfig): KernelConfig {
  const run = original.kernelFunc as KernelFunc;
  const kernelFunc = (args: {
    inputs: { a: TensorInfo; b: TensorInfo };
    backend: BackendWasm;
    attrs: BatchMatMulAttrs;
  }) => {
    const { inputs, backend, attrs } = args;
    if (
      (!attrs.transposeA && !attrs.transposeB) ||
      inputs.a.dtype !== 'float32' ||
      inputs.b.dtype !== 'float32'
    ) {
      return run(args as never);
    }
    const s = new Scratch(backend);
    try {
      const a = attrs.transposeA
        ? s.run('Transpose', { x: inputs.a }, { perm: swapLastTwo(inputs.a.shape.length) })
        : inputs.a;
      const b = attrs.transposeB
        ? s.run('Transpose', { x: inputs.b }, { perm: swapLastTwo(inputs.b.shape.length) })
        : inputs.b;
      return run({
        inputs: { a, b },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      } as never);
    } finally {
      s.free();
    }
  };
  return {
    kernelName: BatchMatMul,
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
