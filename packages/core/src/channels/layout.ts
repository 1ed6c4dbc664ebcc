/**
 * Channel layouts: how the channel axis (the last axis, channels-last) of one tensor maps onto
 * atoms — runs of channels that are created together by one layer and can only be removed as
 * a whole channel at a time. A segment maps atom channel c to the tensor indices
 *   offset + c·scale + k·stride,  k = 0 … repeat−1
 * (the same affine form as a GroupMember in @prunekit/core).
 */
export interface Segment {
  readonly atom: number;
  readonly offset: number;
  readonly scale: number;
  readonly stride: number;
  readonly repeat: number;
}

/** How a channel axis is laid out: its size and the segments mapping channels to positions (an affine index map). */
export interface Layout {
  /** Length of the tensor's channel axis. */
  readonly size: number;
  readonly segments: readonly Segment[];
}

/** A layout made of one whole atom. */
export function atomLayout(atom: number, size: number): Layout {
  return { size, segments: [{ atom, offset: 0, scale: 1, stride: 1, repeat: 1 }] };
}

/**
 * Each channel repeated `m` times in place (depthwise multiplier): index i becomes i·m … i·m+m−1.
 * A segment that already repeats splits into one segment per copy, so any nesting stays exact.
 */
export function expandLayout(layout: Layout, m: number): Layout {
  if (m === 1) return layout;
  const segments: Segment[] = [];
  for (const s of layout.segments) {
    if (s.repeat === 1) {
      segments.push({ atom: s.atom, offset: s.offset * m, scale: s.scale * m, stride: 1, repeat: m });
      continue;
    }
    for (let k = 0; k < s.repeat; k++) {
      const offset = (s.offset + k * s.stride) * m;
      segments.push({ atom: s.atom, offset, scale: s.scale * m, stride: 1, repeat: m });
    }
  }
  return { size: layout.size * m, segments };
}

/**
 * A channels-last tensor with `positions` spatial positions flattened: channel i of position p
 * lands at p·C + i. A segment that already repeats splits into one segment per copy.
 */
export function flattenLayout(layout: Layout, positions: number): Layout {
  if (positions === 1) return layout;
  const c = layout.size;
  const segments: Segment[] = [];
  for (const s of layout.segments) {
    for (let k = 0; k < s.repeat; k++) {
      segments.push({
        atom: s.atom,
        offset: s.offset + k * s.stride,
        scale: s.scale,
        stride: c,
        repeat: positions,
      });
    }
  }
  return { size: c * positions, segments };
}

/** Layouts side by side along the channel axis (Concatenate). */
export function concatLayouts(layouts: readonly Layout[]): Layout {
  const segments: Segment[] = [];
  let base = 0;
  for (const l of layouts) {
    for (const s of l.segments) segments.push({ ...s, offset: s.offset + base });
    base += l.size;
  }
  return { size: base, segments };
}

/** Tensor indices a segment covers for the given atom channels (unsorted). */
export function segmentIndices(s: Segment, channels: Iterable<number>, out: number[] = []): number[] {
  for (const c of channels) {
    for (let k = 0; k < s.repeat; k++) out.push(s.offset + c * s.scale + k * s.stride);
  }
  return out;
}

/** Sorted indices of the layout's channel axis that survive when `removed(atom)` channels go. */
export function keptIndices(
  layout: Layout,
  removed: (atom: number) => readonly number[] | undefined,
): number[] {
  const drop = new Uint8Array(layout.size);
  for (const s of layout.segments) {
    const r = removed(s.atom);
    if (!r || r.length === 0) continue;
    for (const i of segmentIndices(s, r)) drop[i] = 1;
  }
  const keep: number[] = [];
  for (let i = 0; i < layout.size; i++) if (!drop[i]) keep.push(i);
  return keep;
}

/** Each kept index i of a multiplied axis becomes i·m … i·m+m−1. */
export function expandIndices(keep: readonly number[], m: number): number[] {
  if (m === 1) return [...keep];
  const out: number[] = [];
  for (const i of keep) for (let j = 0; j < m; j++) out.push(i * m + j);
  return out;
}
