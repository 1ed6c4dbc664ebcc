import {
  InvalidArgumentError,
  type Mask,
  type MatrixView,
  matrixView,
  type ParamInfo,
  ShapeError,
} from '@prunekit/core';

/**
 * What one pruning decision removes. Kernels are seen as sparse kernels see them (`matrixView` in
 * @prunekit/core, `kernelToRows` in @prunekit/sparse): row = output channel (the axis the layer's
 * spec states as `outAxis`), column = position over the other axes flattened
 * ((ky·kw + kx)·cin + ci for a conv).
 *
 * - element: single weights (unstructured);
 * - nm: in every row, each run of `m` consecutive columns (along the input dimension) keeps
 *   exactly `n` weights — the layout the N:M sparse kernels read;
 * - block: `rows`×`cols` tiles of that matrix (e.g. 4×1: four consecutive output channels at one
 *   input position), the BSR block shape.
 */
export type Granularity =
  | { readonly kind: 'element' }
  | { readonly kind: 'nm'; readonly n: number; readonly m: number }
  | { readonly kind: 'block'; readonly rows: number; readonly cols: number };

const positiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1;

/** N:M granularity (2:4, 4:8, …): n kept of every m consecutive input positions. */
export function nmPattern(n: number, m: number): Granularity {
  if (!positiveInt(n) || !positiveInt(m) || n > m || m > 255) {
    throw new InvalidArgumentError(
      `N:M needs integers 1 ≤ N ≤ M ≤ 255 (N kept of every M), got ${JSON.stringify(n)}:${JSON.stringify(m)}; e.g. 2:4.`,
      { field: 'granularity', n, m },
    );
  }
  return { kind: 'nm', n, m };
}

/** Block granularity: rows × cols tiles of the [out, in] kernel matrix (4×1, 8×1: consecutive output channels). */
export function blockPattern(rows: number, cols: number): Granularity {
  if (!positiveInt(rows) || !positiveInt(cols)) {
    throw new InvalidArgumentError(
      `block shape must be two integers ≥ 1 (rows × cols), got ${JSON.stringify(rows)}×${JSON.stringify(cols)}.`,
      { field: 'granularity', rows, cols },
    );
  }
  return { kind: 'block', rows, cols };
}

export function checkGranularity(g: unknown): Granularity {
  const k = (g as { kind?: unknown } | undefined)?.kind;
  if (g === undefined) return { kind: 'element' };
  if (k === 'element') return { kind: 'element' };
  if (k === 'nm') return nmPattern((g as { n: number }).n, (g as { m: number }).m);
  if (k === 'block') return blockPattern((g as { rows: number }).rows, (g as { cols: number }).cols);
  throw new InvalidArgumentError(
    `granularity must be { kind: 'element' }, nmPattern(n, m) or blockPattern(rows, cols), got ${JSON.stringify(g)}.`,
    { field: 'granularity' },
  );
}

/** [out, inner] view of a kernel: out = the param's outAxis (see matrixView), inner = the rest flattened. */
export function matrixOf(param: ParamInfo): MatrixView {
  if (param.shape.length < 2) {
    throw new ShapeError(
      `'${param.id}' has shape [${param.shape}]; N:M and block pruning need a kernel of rank ≥ 2. ` +
        'Leave it out (ignore its layer, or params: p => p.role === "kernel").',
      { param: param.id },
    );
  }
  return matrixView(param.shape, param.outAxis, `'${param.id}'`);
}

/** Checks that a kernel tiles into the granularity's groups / blocks. */
export function checkFits(param: ParamInfo, g: Granularity): void {
  if (g.kind === 'element') return;
  const { out, inner } = matrixOf(param);
  if (g.kind === 'nm' && inner % g.m !== 0) {
    throw new ShapeError(
      `'${param.id}' has ${inner} input positions per output channel, which do not divide into groups of ${g.m} ` +
        `for ${g.n}:${g.m} pruning. Ignore layer '${param.node}' or pick an M that divides ${inner}.`,
      { param: param.id, inner, m: g.m },
    );
  }
  if (g.kind === 'block' && (out % g.rows !== 0 || inner % g.cols !== 0)) {
    throw new ShapeError(
      `'${param.id}' is a [${out} out, ${inner} in] matrix, which does not divide into ${g.rows}×${g.cols} blocks. ` +
        `Ignore layer '${param.node}' or pick a block shape dividing ${out} (rows) and ${inner} (cols).`,
      { param: param.id, out, inner, rows: g.rows, cols: g.cols },
    );
  }
}

/** Block index of every element (blocks numbered row-block-major). */
export function blockIndex(param: ParamInfo, rows: number, cols: number): { count: number; of: Int32Array } {
  const { out, inner, index } = matrixOf(param);
  const perRow = inner / cols;
  const of = new Int32Array(out * inner);
  for (let i = 0; i < inner; i++) {
    for (let o = 0; o < out; o++) of[index(o, i)] = Math.floor(o / rows) * perRow + Math.floor(i / cols);
  }
  return { count: (out / rows) * perRow, of };
}

/** Sums element scores per block (−∞ stays −∞: a block with a pruned weight counts as pruned). */
export function blockScores(scores: Float32Array, index: { count: number; of: Int32Array }): Float32Array {
  const out = new Float32Array(index.count);
  for (let i = 0; i < scores.length; i++) out[index.of[i]] += scores[i];
  return out;
}

/** Element keep-mask from a block keep-mask. */
export function expandBlocks(
  shape: readonly number[],
  keepBlocks: Uint8Array,
  index: { of: Int32Array },
): Mask {
  const data = new Uint8Array(index.of.length);
  for (let i = 0; i < data.length; i++) data[i] = keepBlocks[index.of[i]];
  return { shape: [...shape], data };
}

/**
 * N:M keep-mask: in every row and every run of m columns, the n highest scores stay (ties: lower
 * column first). Already-pruned weights (score −∞) go first.
 */
export function nmMask(param: ParamInfo, scores: Float32Array, n: number, m: number): Mask {
  const { out, inner, index } = matrixOf(param);
  const data = new Uint8Array(out * inner);
  const idx = new Array<number>(m);
  for (let o = 0; o < out; o++) {
    for (let g = 0; g < inner; g += m) {
      for (let j = 0; j < m; j++) idx[j] = index(o, g + j);
      idx.sort((a, b) => scores[b] - scores[a] || a - b);
      for (let j = 0; j < n; j++) data[idx[j]] = 1;
    }
  }
  return { shape: [...param.shape], data };
}
