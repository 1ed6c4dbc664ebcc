// The Relu gradient on 'wasm' as one kernel. tfjs's gradient for Relu is dy · cast(step(x)):
// three kernels, three passes over the layer's activations and three trips through the engine.
// prunekit registers a gradient for Relu that, when the active backend is 'wasm' and both tensors
// are float32, runs PrunekitReluGrad (assembly/train/relu_grad.ts, same arithmetic in one pass);
// everywhere else it runs the gradient it replaced, unchanged. PrunekitReluGrad has no gradient
// of its own, so second derivatives through a Relu on 'wasm' are not available.
import {
  type GradConfig,
  type KernelConfig,
  type KernelFunc,
  type NamedTensorMap,
  type Tensor,
  type TensorInfo,
  Relu,
  engine,
  getGradient,
  util,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { Arena } from './train_module.js';

export const PrunekitReluGrad = 'PrunekitReluGrad';

function reluGrad(args: { inputs: { dy: TensorInfo; x: TensorInfo }; backend: BackendWasm }): TensorInfo {
  const { dy, x } = args.inputs;
  const a = new Arena(args.backend);
  const out = a.output(x.shape);
  a.mod.reluGrad(a.at(dy), a.at(x), out.at, util.sizeFromShape(x.shape));
  return out.info;
}

export const reluGradKernelConfig: KernelConfig = {
  kernelName: PrunekitReluGrad,
  backendName: 'wasm',
  kernelFunc: reluGrad as unknown as KernelFunc,
};

/** The Relu gradient that uses PrunekitReluGrad on 'wasm' and `fallback` elsewhere. */
export function makeReluGradConfig(fallback: GradConfig): GradConfig {
  return {
    kernelName: Relu,
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs) => {
      const [x] = saved;
      const d = dy as Tensor;
      if (engine().backendName !== 'wasm' || d.dtype !== 'float32' || x.dtype !== 'float32') {
        return fallback.gradFunc(dy, saved, attrs);
      }
      return {
        x: () => engine().runKernel(PrunekitReluGrad, { dy: d, x } as unknown as NamedTensorMap) as Tensor,
      };
    },
  };
}

let made: GradConfig | undefined;

/**
 * The gradient to register for Relu: a wrapper of whichever Relu gradient is registered now
 * (undefined if none is, e.g. before tfjs-layers or tfjs-core's gradients are imported).
 */
export function reluGradConfig(): GradConfig | undefined {
  const current = getGradient(Relu);
  if (current == null || current === made) return current;
  made = makeReluGradConfig(current);
  return made;
}
