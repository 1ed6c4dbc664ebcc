// FusedBatchNorm for 'wasm' at inference: tfjs-wasm 4.22's kernel computes
// (x − mean)·scale / √(variance + ε) + offset for every element in a scalar loop (a square root
// and a division each). Here the per-channel factor a = scale/√(variance+ε) and shift
// b = offset − mean·a are computed once per channel, and x·a + b runs as tfjs-wasm's own
// broadcasting Multiply and Add (XNNPACK, SIMD). Parameters that are not per-channel (or scalar)
// vectors, and non-float32 tensors, go to the original kernel.
import {
  type FusedBatchNormAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  Add,
  FusedBatchNorm,
  getKernel,
  Multiply,
  util,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '@prunekit/core';

interface Args {
  inputs: { x: TensorInfo; mean: TensorInfo; variance: TensorInfo; offset?: TensorInfo; scale?: TensorInfo };
  backend: BackendWasm;
  attrs: FusedBatchNormAttrs;
}

/** Per-channel a, b with y = x·a + b (computed in float64, stored once as float32). */
function channelAffine(backend: BackendWasm, args: Args['inputs'], c: number, eps: number) {
  const read = (t: TensorInfo | undefined) =>
    t == null ? undefined : (backend.typedArrayFromHeap(t) as Float32Array);
  const mean = read(args.mean)!;
  const variance = read(args.variance)!;
  const offset = read(args.offset);
  const scale = read(args.scale);
  const at = (v: Float32Array, k: number) => (v.length === 1 ? v[0] : v[k]);
  const a = new Float32Array(c);
  const b = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    const s = (scale ? at(scale, k) : 1) / Math.sqrt(at(variance, k) + eps);
    a[k] = s;
    b[k] = (offset ? at(offset, k) : 0) - at(mean, k) * s;
  }
  return { a, b };
}

/** Whether this kernel serves the call (else the original does). */
function handles(inputs: Args['inputs'], c: number): boolean {
  const { x, mean, variance, offset, scale } = inputs;
  if (x.dtype !== 'float32' || x.shape.length === 0 || util.sizeFromShape(x.shape) === 0) return false;
  for (const p of [mean, variance, offset, scale]) {
    if (p == null) continue;
    const n = util.sizeFromShape(p.shape);
    if (p.dtype !== 'float32' || (n !== c && n !== 1)) return false;
  }
  return true;
}

/** A float32 vector in tfjs-wasm's heap holding `v` (the caller disposes it). */
function vector(backend: BackendWasm, v: Float32Array): TensorInfo {
  const t = backend.makeOutput([v.length], 'float32');
  (backend.typedArrayFromHeap(t) as Float32Array).set(v);
  return t;
}

const wasmKernel = (name: string) => () => {
  const k = getKernel(name, 'wasm');
  if (k == null)
    throw new BackendError(`FusedBatchNorm needs tfjs-wasm's ${name} kernel, which is not registered.`);
  return k.kernelFunc;
};
const mul = wasmKernel(Multiply);
const add = wasmKernel(Add);

export function makeFusedBatchNormConfig(original: KernelConfig | undefined): KernelConfig {
  const fallback = original?.kernelFunc;
  const kernelFunc = (args: Args): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const c = inputs.x.shape[inputs.x.shape.length - 1] ?? 1;
    if (!handles(inputs, c) && fallback) return fallback(args as never) as TensorInfo;
    const { a, b } = channelAffine(backend, inputs, c, attrs.varianceEpsilon);
    const aT = vector(backend, a);
    const bT = vector(backend, b);
    const scaled = mul()({ inputs: { a: inputs.x, b: aT }, backend, attrs: {} }) as TensorInfo;
    const out = add()({ inputs: { a: scaled, b: bT }, backend, attrs: {} }) as TensorInfo;
    for (const t of [aT, bT, scaled]) backend.disposeData(t.dataId);
    return out;
  };
  // The original's setup runs too, so the original stays callable as the fallback.
  return {
    kernelName: FusedBatchNorm,
    backendName: 'wasm',
    setupFunc: original?.setupFunc,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
