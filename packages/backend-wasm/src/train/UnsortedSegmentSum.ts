// UnsortedSegmentSum for 'wasm' (absent from tfjs-backend-wasm 4.22): the gradient of gather,
// so embeddings train on 'wasm'. A scatter-add in one pass (assembly/train/unsorted_segment_sum.ts)
// rather than oneHot(ids)ᵀ·x, whose [n, numSegments] matrix would not fit for large vocabularies.
import {
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  type UnsortedSegmentSumAttrs,
  UnsortedSegmentSum,
  util,
} from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ShapeError } from '@prunekit/core';
import { Arena } from './train_module.js';

function unsortedSegmentSum(args: {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  backend: BackendWasm;
  attrs: UnsortedSegmentSumAttrs;
}): TensorInfo {
  const {
    inputs: { x, segmentIds },
    backend,
    attrs: { numSegments },
  } = args;
  if (x.dtype !== 'float32' || segmentIds.dtype !== 'int32') {
    throw new ShapeError(
      `${UnsortedSegmentSum}: 'x' must be float32 and 'segmentIds' int32 on 'wasm', got ${x.dtype} and ` +
        `${segmentIds.dtype}. Cast them first (tf.cast).`,
      { kernel: UnsortedSegmentSum, field: x.dtype !== 'float32' ? 'x' : 'segmentIds' },
    );
  }
  const lead = segmentIds.shape;
  if (!util.arraysEqual(x.shape.slice(0, lead.length), lead)) {
    throw new ShapeError(
      `${UnsortedSegmentSum}: 'segmentIds' shape [${lead}] must be a prefix of 'x' shape [${x.shape}].`,
      { kernel: UnsortedSegmentSum, field: 'segmentIds' },
    );
  }
  const n = util.sizeFromShape(lead);
  const rest = x.shape.slice(lead.length);
  const d = util.sizeFromShape(rest);
  const a = new Arena(backend);
  const out = a.output([numSegments, ...rest]);
  a.mod.unsortedSegmentSum(a.at(x), a.at(segmentIds), out.at, n, d, numSegments);
  return out.info;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
