import { InvalidArgumentError, ShapeError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { SparseTensors } from '../formats/sparse_tensors.js';
import {
  FUSED_ACTIVATIONS,
  type FusedActivation,
  SparseConv2D,
  type SparseConv2DAttrs,
} from '../kernel_names.js';
import { operandInputs } from './operand_inputs.js';

/** Options of sparseConv2d: filter size, strides, padding, dilations, bias and fused activation. */
export interface SparseConv2dOptions {
  /** [kh, kw] of the filter the sparse matrix was built from (`fromKernel` on `[kh, kw, cin, cout]`). */
  filterSize: readonly [number, number];
  strides?: number | readonly [number, number];
  padding?: 'same' | 'valid' | readonly [number, number, number, number];
  dilations?: number | readonly [number, number];
  bias?: tf.Tensor1D;
  activation?: FusedActivation;
  /** Max-pool window applied after the activation ('valid', stride = window), e.g. [2, 2]. */
  pool?: number | readonly [number, number];
}

/** tf.conv2d's 'same' / 'valid' padding along one axis: [before, after]. */
function samePad(
  padding: 'same' | 'valid',
  size: number,
  k: number,
  stride: number,
  dilation: number,
): [number, number] {
  if (padding === 'valid') return [0, 0];
  const eff = (k - 1) * dilation + 1;
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + eff - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

const pair = (v: number | readonly [number, number] | undefined): [number, number] =>
  v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

const positiveInts = (p: readonly [number, number]): boolean =>
  Number.isInteger(p[0]) && p[0] >= 1 && Number.isInteger(p[1]) && p[1] >= 1;

/** NHWC 2-D convolution with a sparse filter, fused bias and activation, on the active backend. */
export function sparseConv2d(x: tf.Tensor4D, s: SparseTensors, opts: SparseConv2dOptions): tf.Tensor4D {
  const [kh, kw] = opts.filterSize;
  const activation = opts.activation ?? 'linear';
  if (!FUSED_ACTIVATIONS.includes(activation)) {
    throw new InvalidArgumentError(
      `sparseConv2d: activation must be one of ${FUSED_ACTIVATIONS.join(', ')}, got '${activation}'.`,
    );
  }
  if (x.rank !== 4 || x.dtype !== 'float32') {
    throw new ShapeError(`sparseConv2d: x must be a float32 NHWC tensor, got ${x.dtype} [${x.shape}].`);
  }
  const cin = x.shape[3];
  if (!(kh >= 1 && kw >= 1) || kh * kw * cin !== s.attrs.cols) {
    throw new ShapeError(
      `sparseConv2d: a ${kh}x${kw} filter over ${cin} input channels needs ${kh * kw * cin} sparse columns, ` +
        `the sparse operand has ${s.attrs.cols}.`,
    );
  }
  const strides = pair(opts.strides);
  const dilations = pair(opts.dilations);
  const pool = pair(opts.pool);
  if (!positiveInts(strides) || !positiveInts(dilations) || !positiveInts(pool)) {
    throw new InvalidArgumentError('sparseConv2d: strides, dilations and pool must be positive integers.');
  }
  const padding = opts.padding ?? 'valid';
  let pad: [number, number, number, number];
  if (typeof padding === 'string') {
    const [t, b] = samePad(padding, x.shape[1], kh, strides[0], dilations[0]);
    const [l, r] = samePad(padding, x.shape[2], kw, strides[1], dilations[1]);
    pad = [t, b, l, r];
  } else {
    pad = [padding[0], padding[1], padding[2], padding[3]];
  }
  const a = s.attrs;
  // Written out rather than spread: this runs once per layer per call, and at batch 1 it shows.
  const attrs: SparseConv2DAttrs = {
    format: a.format,
    rows: a.rows,
    cols: a.cols,
    blockRows: a.blockRows,
    blockCols: a.blockCols,
    n: a.n,
    m: a.m,
    filterHeight: kh,
    filterWidth: kw,
    inChannels: cin,
    strides,
    dilations,
    pad,
    activation,
    pool,
  };
  const inputs = operandInputs(s, opts.bias, 'sparseConv2d');
  inputs.x = x;
  return tf
    .engine()
    .runKernel(
      SparseConv2D,
      inputs as unknown as tf.NamedTensorMap,
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor4D;
}
