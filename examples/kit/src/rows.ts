/** Labelled rows (observations and their action labels), as the planner examples' demonstrations hold them. */
export interface LabelledRows {
  readonly x: Float32Array;
  readonly y: Uint8Array;
  readonly count: number;
}

/** `a`'s rows followed by `b`'s (the other fields, e.g. the row shape, are `a`'s). */
export function concatRows<T extends LabelledRows>(a: T, b: T): T {
  const x = new Float32Array(a.x.length + b.x.length);
  x.set(a.x);
  x.set(b.x, a.x.length);
  const y = new Uint8Array(a.count + b.count);
  y.set(a.y);
  y.set(b.y, a.count);
  return { ...a, x, y, count: a.count + b.count };
}
