import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { SparseConv2D, type SparseConv2DAttrs, type SparseConv2DInputs } from '../../kernel_names.js';
import { convOutSize, pooledSize } from '../conv_geometry.js';
import { activate, expandRows } from '../expand_rows.js';

type CpuBackend = {
  readSync(dataId: unknown): unknown;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
};

/** Reference SparseConv2D (NHWC): direct loops over output pixels and the stored filter entries, then the optional max-pool. */
function sparseConv2dCpu(args: {
  inputs: SparseConv2DInputs;
  attrs: SparseConv2DAttrs;
  backend: CpuBackend;
}) {
  const { inputs, attrs: a, backend } = args;
  const read = (t?: TensorInfo) => (t ? backend.readSync(t.dataId) : undefined);
  const e = expandRows(
    a,
    read(inputs.values) as Float32Array,
    read(inputs.indices) as Int32Array,
    read(inputs.rowPtr) as Int32Array | undefined,
  );
  const x = read(inputs.x) as Float32Array;
  const bias = read(inputs.bias) as Float32Array | undefined;
  const [batch, inH, inW, cin] = inputs.x.shape;
  const [outH, outW] = convOutSize(a, inH, inW);
  const cout = a.rows;
  // Decode each entry's column into (ky, kx, ci) once.
  const ky = new Int32Array(e.cols.length);
  const kx = new Int32Array(e.cols.length);
  const ci = new Int32Array(e.cols.length);
  for (let p = 0; p < e.cols.length; p++) {
    const t = Math.floor(e.cols[p] / cin);
    ci[p] = e.cols[p] % cin;
    ky[p] = Math.floor(t / a.filterWidth);
    kx[p] = t % a.filterWidth;
  }
  const out = new Float32Array(batch * outH * outW * cout);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const o = ((b * outH + oy) * outW + ox) * cout;
        for (let co = 0; co < cout; co++) {
          let acc = bias ? bias[co] : 0;
          for (let p = e.rowPtr[co]; p < e.rowPtr[co + 1]; p++) {
            const y = oy * a.strides[0] - a.pad[0] + ky[p] * a.dilations[0];
            const xx = ox * a.strides[1] - a.pad[2] + kx[p] * a.dilations[1];
            if (y < 0 || y >= inH || xx < 0 || xx >= inW) continue;
            acc += e.vals[p] * x[((b * inH + y) * inW + xx) * cin + ci[p]];
          }
          out[o + co] = activate(acc, a.activation);
        }
      }
    }
  }
  const [ph, pw] = a.pool;
  if (ph === 1 && pw === 1) return backend.makeTensorInfo([batch, outH, outW, cout], 'float32', out);
  const [poolH, poolW] = pooledSize(a, outH, outW);
  const pooled = new Float32Array(batch * poolH * poolW * cout);
  for (let b = 0; b < batch; b++)
    for (let py = 0; py < poolH; py++)
      for (let px = 0; px < poolW; px++)
        for (let co = 0; co < cout; co++) {
          let m = -Infinity;
          for (let dy = 0; dy < ph; dy++)
            for (let dx = 0; dx < pw; dx++)
              m = Math.max(m, out[((b * outH + py * ph + dy) * outW + px * pw + dx) * cout + co]);
          pooled[((b * poolH + py) * poolW + px) * cout + co] = m;
        }
  return backend.makeTensorInfo([batch, poolH, poolW, cout], 'float32', pooled);
}

export const sparseConv2dCpuConfig: KernelConfig = {
  kernelName: SparseConv2D,
  backendName: 'cpu',
  kernelFunc: sparseConv2dCpu as unknown as KernelFunc,
};
