import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { kernelNames, type SparseConv2DAttrs, type SparseConv2DInputs } from '@prunekit/sparse';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';
import { convOutShape } from '../conv_shape.js';
import { forEachEntryOfRow, sparseKey, wgslActivation, runSparseProgram } from './wgsl_sparse.js';

/**
 * NHWC convolution with a sparse filter S [outChannels, kh·kw·inChannels], fused bias, activation
 * and optional max-pool ('valid', stride = window). One invocation per output element walks the
 * stored entries of its output channel's row and gathers the input pixel each entry touches (zero
 * outside the padded border).
 */
class SparseConv2DProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;

  constructor(
    private readonly a: SparseConv2DAttrs,
    private readonly xShape: number[],
    private readonly hasBias: boolean,
  ) {
    this.outputShape = convOutShape(a, xShape);
    this.variableNames = [
      'values',
      'indices',
      ...(a.format === 'nm' ? [] : ['rowPtr']),
      'x',
      ...(hasBias ? ['bias'] : []),
    ];
    this.dispatchLayout = webgpu_util.flatDispatchLayout(this.outputShape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, this.outputShape, this.workgroupSize);
    this.shaderKey =
      `prunekitSparseConv2D_${sparseKey(a)}_${xShape.join('x')}_f${a.filterHeight}x${a.filterWidth}x${a.inChannels}` +
      `_s${a.strides}_d${a.dilations}_p${a.pad}_pool${a.pool ?? [1, 1]}_${a.activation}_${hasBias}`;
  }

  getUserCode(): string {
    const { a } = this;
    const [, inH, inW, cin] = this.xShape;
    const [, outH, outW, cout] = this.outputShape;
    const [ph, pw] = a.pool ?? [1, 1];
    const gather = `
            let t = col / ${cin};
            let ci = col % ${cin};
            let iy = oy * ${a.strides[0]} - ${a.pad[0]} + (t / ${a.filterWidth}) * ${a.dilations[0]};
            let ix = ox * ${a.strides[1]} - ${a.pad[2]} + (t % ${a.filterWidth}) * ${a.dilations[1]};
            if (iy >= 0 && iy < ${inH} && ix >= 0 && ix < ${inW}) {
              acc = acc + v * x[((b * ${inH} + iy) * ${inW} + ix) * ${cin} + ci];
            }`;
    // With a fused max-pool each invocation computes its ph x pw window of conv outputs and keeps
    // the largest (after the activation); without one the window is 1 x 1.
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let co = index % ${cout};
          let pix = index / ${cout};
          let px = pix % ${outW};
          let py = (pix / ${outW}) % ${outH};
          let b = pix / (${outW} * ${outH});
          var best = -3.402823e38;
          for (var dy = 0; dy < ${ph}; dy++) {
            for (var dx = 0; dx < ${pw}; dx++) {
              let oy = py * ${ph} + dy;
              let ox = px * ${pw} + dx;
              var acc = ${this.hasBias ? 'bias[co]' : '0.0'};
              ${forEachEntryOfRow(a, 'co', gather)}
              best = max(best, ${wgslActivation(a.activation, 'acc')});
            }
          }
          setOutputAtIndex(index, best);
        }
      }`;
  }
}

function sparseConv2dWebgpu(args: {
  inputs: SparseConv2DInputs;
  attrs: SparseConv2DAttrs;
  backend: WebGPUBackend;
}): TensorInfo {
  const { inputs, attrs, backend } = args;
  const program = new SparseConv2DProgram(attrs, inputs.x.shape, inputs.bias != null);
  return runSparseProgram(backend, program, attrs.format, inputs);
}

export const sparseConv2dWebgpuConfig: KernelConfig = {
  kernelName: kernelNames.SparseConv2D,
  backendName: 'webgpu',
  kernelFunc: sparseConv2dWebgpu as unknown as KernelFunc,
};
