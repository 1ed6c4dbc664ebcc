import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { kernelNames, type SparseMatMulAttrs, type SparseMatMulInputs } from '@prunekit/sparse';
import type { GPGPUProgram, MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { forEachEntryOfRow, glslActivation, operandNames } from './glsl_sparse.js';

/** One fragment per output element: act(Σ S[r, col]·x[col, j] + bias[r]) over the stored entries of row r. */
class SparseMatMulProgram implements GPGPUProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;

  constructor(a: SparseMatMulAttrs, n: number, hasBias: boolean) {
    const kn = a.xLayout === 'kn';
    this.outputShape = kn ? [a.rows, n] : [n, a.rows];
    this.variableNames = [...operandNames(a), 'x', ...(hasBias ? ['bias'] : [])];
    this.userCode = `
      void main() {
        ivec2 coords = getOutputCoords();
        int r = ${kn ? 'coords.x' : 'coords.y'};
        int j = ${kn ? 'coords.y' : 'coords.x'};
        float acc = ${hasBias ? 'getBias(r)' : '0.0'};
        ${forEachEntryOfRow(a, 'r', `acc += v * ${kn ? 'getX(col, j)' : 'getX(j, col)'};`)}
        setOutput(${glslActivation(a.activation, 'acc')});
      }`;
  }
}

function sparseMatMulWebgl(args: {
  inputs: SparseMatMulInputs;
  attrs: SparseMatMulAttrs;
  backend: MathBackendWebGL;
}): TensorInfo {
  const { inputs, attrs, backend } = args;
  const n = inputs.x.shape[attrs.xLayout === 'kn' ? 1 : 0];
  const program = new SparseMatMulProgram(attrs, n, inputs.bias != null);
  const ordered = [
    inputs.values,
    inputs.indices,
    ...(attrs.format === 'nm' ? [] : [inputs.rowPtr as TensorInfo]),
    inputs.x,
  ];
  if (inputs.bias) ordered.push(inputs.bias);
  return backend.runWebGLProgram(program, ordered, 'float32');
}

export const sparseMatMulWebglConfig: KernelConfig = {
  kernelName: kernelNames.SparseMatMul,
  backendName: 'webgl',
  kernelFunc: sparseMatMulWebgl as unknown as KernelFunc,
};
