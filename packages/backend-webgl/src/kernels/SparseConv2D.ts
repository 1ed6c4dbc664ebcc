import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { kernelNames, type SparseConv2DAttrs, type SparseConv2DInputs, convOutSize } from '@prunekit/sparse';
import type { GPGPUProgram, MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { forEachEntryOfRow, glslActivation, operandNames } from './glsl_sparse.js';

/**
 * NHWC convolution with a sparse filter S [outChannels, kh·kw·inChannels], fused bias, activation and
 * optional max-pool ('valid', stride = window): one fragment per output element walks its output
 * channel's stored entries and gathers the input pixel each one touches.
 */
class SparseConv2DProgram implements GPGPUProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;

  constructor(a: SparseConv2DAttrs, xShape: number[], hasBias: boolean) {
    const [batch, inH, inW, cin] = xShape;
    const [outH, outW] = convOutSize(a, inH, inW);
    const [ph, pw] = a.pool ?? [1, 1];
    this.outputShape = [batch, Math.floor(outH / ph), Math.floor(outW / pw), a.rows];
    this.variableNames = [...operandNames(a), 'x', ...(hasBias ? ['bias'] : [])];
    const gather = `
          int t = col / ${cin};
          int ci = col - t * ${cin};
          int ky = t / ${a.filterWidth};
          int kx = t - ky * ${a.filterWidth};
          int iy = oy * ${a.strides[0]} - ${a.pad[0]} + ky * ${a.dilations[0]};
          int ix = ox * ${a.strides[1]} - ${a.pad[2]} + kx * ${a.dilations[1]};
          if (iy >= 0 && iy < ${inH} && ix >= 0 && ix < ${inW}) {
            acc += v * getX(b, iy, ix, ci);
          }`;
    // With a fused max-pool each fragment computes its ph x pw window of conv outputs and keeps the
    // largest (after the activation); without one the window is 1 x 1.
    this.userCode = `
      void main() {
        ivec4 coords = getOutputCoords();
        int b = coords.x;
        int co = coords.w;
        float best = -3.402823e38;
        for (int dy = 0; dy < ${ph}; dy++) {
          for (int dx = 0; dx < ${pw}; dx++) {
            int oy = coords.y * ${ph} + dy;
            int ox = coords.z * ${pw} + dx;
            float acc = ${hasBias ? 'getBias(co)' : '0.0'};
            ${forEachEntryOfRow(a, 'co', gather)}
            best = max(best, ${glslActivation(a.activation, 'acc')});
          }
        }
        setOutput(best);
      }`;
  }
}

function sparseConv2dWebgl(args: {
  inputs: SparseConv2DInputs;
  attrs: SparseConv2DAttrs;
  backend: MathBackendWebGL;
}): TensorInfo {
  const { inputs, attrs, backend } = args;
  const program = new SparseConv2DProgram(attrs, inputs.x.shape, inputs.bias != null);
  const ordered = [
    inputs.values,
    inputs.indices,
    ...(attrs.format === 'nm' ? [] : [inputs.rowPtr as TensorInfo]),
    inputs.x,
  ];
  if (inputs.bias) ordered.push(inputs.bias);
  return backend.runWebGLProgram(program, ordered, 'float32');
}

export const sparseConv2dWebglConfig: KernelConfig = {
  kernelName: kernelNames.SparseConv2D,
  backendName: 'webgl',
  kernelFunc: sparseConv2dWebgl as unknown as KernelFunc,
};
