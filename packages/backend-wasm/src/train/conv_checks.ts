// Input checks shared by the training kernels: what they do not support is refused with a
// typed error naming the kernel, the field and what to do, never computed wrongly.
import { ShapeError } from '@prunekit/core';
import type { TensorInfo } from '@tensorflow/tfjs-core';

export function checkRank4(kernel: string, field: string, t: TensorInfo): void {
  if (t.shape.length !== 4) {
    throw new ShapeError(`${kernel}: input '${field}' must be rank 4 (NHWC), got shape [${t.shape}].`, {
      kernel,
      field,
      shape: t.shape,
    });
  }
  if (t.dtype !== 'float32') {
    throw new ShapeError(
      `${kernel}: input '${field}' must be float32, got ${t.dtype}. Cast it with tf.cast first.`,
      {
        kernel,
        field,
      },
    );
  }
}

export function checkChannelsLast(kernel: string, dataFormat: string | undefined): void {
  if (dataFormat != null && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new ShapeError(
      `${kernel}: dataFormat '${dataFormat}' is not supported on 'wasm'; use NHWC (channels last) tensors.`,
      { kernel, field: 'dataFormat' },
    );
  }
}
