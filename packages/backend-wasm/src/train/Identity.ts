// Identity and same-dtype Cast on 'wasm' share the input's buffer (a reference count) instead of
// copying it, as the cpu and webgl backends do. Training hits both on every step: the engine clones
// each tensor it saves for the backward pass (Identity), and the Relu gradient casts its float32
// Step mask to float32 (Cast). tfjs kernels never write their inputs, so a shared buffer is safe.
import {
  type CastAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  Cast,
  Identity,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Args = { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: Partial<CastAttrs> };

function share(x: TensorInfo, backend: BackendWasm): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Identity that shares numeric buffers; strings go to `original`. */
export function makeIdentityConfig(original: KernelConfig): KernelConfig {
  const run = original.kernelFunc as KernelFunc;
  const kernelFunc = (args: Args) =>
    args.inputs.x.dtype === 'string' ? run(args as never) : share(args.inputs.x, args.backend);
  return { ...original, kernelName: Identity, kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** Cast that shares the buffer when the dtype does not change; real conversions go to `original`. */
export function makeCastConfig(original: KernelConfig): KernelConfig {
  const run = original.kernelFunc as KernelFunc;
  const kernelFunc = (args: Args) => {
    const { x } = args.inputs;
    return x.dtype === args.attrs.dtype && x.dtype !== 'string' ? share(x, args.backend) : run(args as never);
  };
  return { ...original, kernelName: Cast, kernelFunc: kernelFunc as unknown as KernelFunc };
}
