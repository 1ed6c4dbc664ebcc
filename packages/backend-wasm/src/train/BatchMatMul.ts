// Wraps tfjs-wasm's BatchMatMul: its XNNPACK path only serves transposeA = transposeB = false;
// either flag drops to a plain loop ~10x slower (measured: 256×512·512×128 1.9 ms vs 33 ms).
// Gradients of dense layers always set one flag, so the flagged operand is transposed explicitly
// first — or, when that is cheaper, the product is computed transposed, outᵀ = op(B)ᵀ · op(A)ᵀ,
// and the (small) result transposed back. XNNPACK repacks its right operand on every call, so
// the cost counted is the floats transposed plus the floats of the right operand: for dy·Wᵀ of
// a 1024→64 dense layer at batch 32 the second form moves ~36k floats instead of ~128k.
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

/** Floats moved (transposed or packed) by the direct and by the transposed form of op(A)·op(B). */
export function matMulCosts(
  a: number[],
  b: number[],
  transposeA: boolean,
  transposeB: boolean,
): { direct: number; transposed: number } {
  const [m, k] = transposeA ? [a[a.length - 1], a[a.length - 2]] : [a[a.length - 2], a[a.length - 1]];
  const n = transposeB ? b[b.length - 2] : b[b.length - 1];
  return {
    direct: (transposeA ? m * k : 0) + (transposeB ? k * n : 0) + k * n,
    transposed: (transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + m * k + m * n,
  };
}

export function makeBatchMatMulConfig(original: KernelConfig): KernelConfig {
  const run = original.kernelFunc as KernelFunc;
  const kernelFunc = (args: {
    inputs: { a: TensorInfo; b: TensorInfo };
    backend: BackendWasm;
    attrs: BatchMatMulAttrs;
  }) => {
    const { inputs, backend, attrs } = args;
    const { transposeA, transposeB } = attrs;
    if ((!transposeA && !transposeB) || inputs.a.dtype !== 'float32' || inputs.b.dtype !== 'float32') {
      return run(args as never);
    }
    const s = new Scratch(backend);
    const flip = (t: TensorInfo) => s.run('Transpose', { x: t }, { perm: swapLastTwo(t.shape.length) });
    const plain = (a: TensorInfo, b: TensorInfo) =>
      run({
        inputs: { a, b },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      } as never) as TensorInfo;
    try {
      const cost = matMulCosts(inputs.a.shape, inputs.b.shape, transposeA, transposeB);
      if (cost.direct <= cost.transposed) {
        return plain(transposeA ? flip(inputs.a) : inputs.a, transposeB ? flip(inputs.b) : inputs.b);
      }
      // outᵀ = op(B)ᵀ · op(A)ᵀ: a flagged operand is already in the transposed layout.
      const outT = s.track(
        plain(transposeB ? inputs.b : flip(inputs.b), transposeA ? inputs.a : flip(inputs.a)),
      );
      return s.keep(flip(outT));
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
