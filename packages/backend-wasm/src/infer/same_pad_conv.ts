// Conv2D, FusedConv2D, DepthwiseConv2dNative and FusedDepthwiseConv2D for 'wasm' when 'same'
// padding needs no padding along an axis because the stride is larger than the kernel, i.e.
// (out − 1)·stride + effective kernel < in. tfjs-wasm 4.22 hands such calls to XNNPACK with its
// TensorFlow-SAME flag, and the result is wrong (up to 5.5 absolute against cpu on fuzzed shapes;
// measured: 97 of 300 random 'same' calls with stride up to 4, every one of them this case, none
// other). The same kernel with 'valid' padding is right on those shapes (0 of 300 wrong), so the
// call becomes: pad the input explicitly by TensorFlow's SAME amounts (PadV2, only where one axis
// still needs padding), then run tfjs-wasm's own kernel with 'valid'. Every other call goes to
// the original unchanged.
import {
  backend_util,
  type Conv2DAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  getKernel,
  PadV2,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '@prunekit/core';

interface Args {
  inputs: { x: TensorInfo; filter: TensorInfo } & Record<string, TensorInfo | undefined>;
  backend: BackendWasm;
  attrs: Conv2DAttrs & Record<string, unknown>;
}

/** The convolution kernels this wrapper serves, and whether each is depthwise. */
export const samePadConvKernels: readonly { name: string; depthwise: boolean }[] = [
  { name: 'Conv2D', depthwise: false },
  { name: 'FusedConv2D', depthwise: false },
  { name: 'DepthwiseConv2dNative', depthwise: true },
  { name: 'FusedDepthwiseConv2D', depthwise: true },
];

/**
 * TensorFlow's SAME padding of a call when it is the case tfjs-wasm gets wrong (an axis whose
 * stride is larger than its kernel leaves a negative total padding, clamped to 0), else null.
 */
export function strideOverKernelSamePad(
  xShape: readonly number[],
  filterShape: readonly number[],
  attrs: Pick<Conv2DAttrs, 'strides' | 'dilations' | 'pad' | 'dimRoundingMode' | 'dataFormat'>,
  depthwise: boolean,
): backend_util.PadInfo | null {
  if (attrs.pad !== 'same' || xShape.length !== 4 || filterShape.length !== 4) return null;
  const format = backend_util.convertConv2DDataFormat(attrs.dataFormat ?? 'NHWC');
  if (format !== 'channelsLast') return null;
  const info = backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    'same',
    attrs.dimRoundingMode,
    depthwise,
    format,
  );
  const short = (out: number, stride: number, k: number, size: number) => (out - 1) * stride + k < size;
  const h = short(info.outHeight, info.strideHeight, info.effectiveFilterHeight, info.inHeight);
  const w = short(info.outWidth, info.strideWidth, info.effectiveFilterWidth, info.inWidth);
  return h || w ? info.padInfo : null;
}

/** Wraps tfjs-wasm's `original` config of `name` so the stride-over-kernel 'same' case is right. */
export function makeSamePadConvConfig(
  name: string,
  depthwise: boolean,
  original: KernelConfig | undefined,
): KernelConfig {
  const fallback = original?.kernelFunc;
  const kernelFunc = (args: Args): TensorInfo => {
    if (!fallback)
      throw new BackendError(`tfjs-wasm has no ${name} kernel to wrap; register the wasm backend first.`);
    const { inputs, backend, attrs } = args;
    const pad = strideOverKernelSamePad(inputs.x.shape, inputs.filter.shape, attrs, depthwise);
    if (!pad) return fallback(args as never) as TensorInfo;
    const needsPad = pad.top + pad.bottom + pad.left + pad.right > 0;
    let x = inputs.x;
    if (needsPad) {
      const padKernel = getKernel(PadV2, 'wasm');
      if (!padKernel) throw new BackendError(`${name}: tfjs-wasm's PadV2 kernel is not registered.`);
      x = padKernel.kernelFunc({
        inputs: { x: inputs.x },
        backend,
        attrs: {
          paddings: [
            [0, 0],
            [pad.top, pad.bottom],
            [pad.left, pad.right],
            [0, 0],
          ],
          constantValue: 0,
        },
      } as never) as TensorInfo;
    }
    try {
      return fallback({
        inputs: { ...inputs, x },
        backend,
        attrs: { ...attrs, pad: 'valid' },
      } as never) as TensorInfo;
    } finally {
      if (needsPad) backend.disposeData(x.dataId);
    }
  };
  // The original's setup runs too (it binds the wasm function the fallback calls).
  return {
    kernelName: name,
    backendName: 'wasm',
    setupFunc: original?.setupFunc,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
