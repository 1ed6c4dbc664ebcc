import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { kernelNames, type SparseMatMulAttrs, type SparseMatMulInputs } from '@prunekit/sparse';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';
import { forEachEntryOfRow, sparseKey, wgslActivation, runSparseProgram } from './wgsl_sparse.js';

/**
 * out = act(S·x + bias) ('kn': x [cols, N] → [rows, N]) or act(x·Sᵀ + bias) ('nk': x [N, cols] →
 * [N, rows]). One invocation per output element; in 'kn' neighbouring invocations share the row of
 * S (its entries are read once per workgroup from cache) and read neighbouring columns of x. When
 * N is a multiple of 4 ('kn'), each invocation computes 4 neighbouring outputs with vec4 loads of
 * x, so every stored entry of S is read once per 4 outputs instead of once per output.
 */
class SparseMatMulProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number] = [64, 1, 1];
  size = true;
  outputComponent?: number;
  variableComponents?: number[];
  private readonly vec4: boolean;

  constructor(
    private readonly a: SparseMatMulAttrs,
    private readonly n: number,
    private readonly hasBias: boolean,
  ) {
    this.outputShape = a.xLayout === 'kn' ? [a.rows, n] : [n, a.rows];
    this.variableNames = [
      'values',
      'indices',
      ...(a.format === 'nm' ? [] : ['rowPtr']),
      'x',
      ...(hasBias ? ['bias'] : []),
    ];
    this.vec4 = a.xLayout === 'kn' && n % 4 === 0;
    if (this.vec4) {
      this.outputComponent = 4;
      this.variableComponents = this.variableNames.map((v) => (v === 'x' ? 4 : 1));
    }
    this.dispatchLayout = webgpu_util.flatDispatchLayout(this.outputShape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, this.outputShape, this.workgroupSize, [
      this.vec4 ? 4 : 1,
      1,
      1,
    ]);
    this.shaderKey = `prunekitSparseMatMul_${sparseKey(a)}_${a.xLayout}_${n}_${a.activation}_${hasBias}_${this.vec4}`;
  }

  getUserCode(): string {
    const { a, n } = this;
    const kn = a.xLayout === 'kn';
    if (this.vec4) {
      const n4 = n / 4;
      return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let r = index / ${n4};
          let j4 = index % ${n4};
          var acc = vec4<f32>(${this.hasBias ? 'bias[r]' : '0.0'});
          ${forEachEntryOfRow(a, 'r', `acc = acc + v * x[col * ${n4} + j4];`)}
          setOutputAtIndex(index, ${wgslActivation(a.activation, 'acc', true)});
        }
      }`;
    }
    const xAt = kn ? `x[col * ${n} + j]` : `x[j * ${a.cols} + col]`;
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let r = ${kn ? `index / ${n}` : `index % ${a.rows}`};
          let j = ${kn ? `index % ${n}` : `index / ${a.rows}`};
          var acc = ${this.hasBias ? 'bias[r]' : '0.0'};
          ${forEachEntryOfRow(a, 'r', `acc = acc + v * ${xAt};`)}
          setOutputAtIndex(index, ${wgslActivation(a.activation, 'acc')});
        }
      }`;
  }
}

function sparseMatMulWebgpu(args: {
  inputs: SparseMatMulInputs;
  attrs: SparseMatMulAttrs;
  backend: WebGPUBackend;
}): TensorInfo {
  const { inputs, attrs, backend } = args;
  const n = inputs.x.shape[attrs.xLayout === 'kn' ? 1 : 0];
  const program = new SparseMatMulProgram(attrs, n, inputs.bias != null);
  return runSparseProgram(backend, program, attrs.format, inputs);
}

export const sparseMatMulWebgpuConfig: KernelConfig = {
  kernelName: kernelNames.SparseMatMul,
  backendName: 'webgpu',
  kernelFunc: sparseMatMulWebgpu as unknown as KernelFunc,
};
