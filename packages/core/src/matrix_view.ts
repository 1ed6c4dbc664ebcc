import { ShapeError } from './errors.js';

/**
 * A weight seen as the [out, inner] matrix sparse kernels and N:M / block pruning use: row o is
 * output channel o (the weight's `outAxis`, as its spec states it), column i runs over the other
 * axes flattened in order (for a Conv2D kernel [kh, kw, cin, out]: (ky·kw + kx)·cin + ci).
 */
export interface MatrixView {
  readonly out: number;
  readonly inner: number;
  /** Flat (row-major) index in the weight of matrix element (o, i). */
  index(o: number, i: number): number;
}

/**
 * The matrix view of a weight of `shape` whose output channels lie on `outAxis` (default: the last
 * axis, for weights whose spec states no output axis, e.g. a depthwise kernel's multiplier axis).
 */
export function matrixView(
  shape: readonly number[],
  outAxis: number = shape.length - 1,
  what = 'weight',
): MatrixView {
  if (shape.length < 2) {
    throw new ShapeError(`${what} has shape [${shape}]; a matrix view needs at least 2 axes.`, {
      shape: [...shape],
    });
  }
  if (!Number.isInteger(outAxis) || outAxis < 0 || outAxis >= shape.length) {
    throw new ShapeError(`${what}: output axis ${outAxis} is out of range for shape [${shape}].`, {
      shape: [...shape],
      outAxis,
    });
  }
  const out = shape[outAxis];
  let post = 1;
  for (let d = outAxis + 1; d < shape.length; d++) post *= shape[d];
  let pre = 1;
  for (let d = 0; d < outAxis; d++) pre *= shape[d];
  const inner = pre * post;
  const index =
    post === 1
      ? (o: number, i: number) => i * out + o
      : (o: number, i: number) => (Math.floor(i / post) * out + o) * post + (i % post);
  return { out, inner, index };
}
