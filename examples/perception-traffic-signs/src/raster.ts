/**
 * A tiny rasteriser for flat-colour vector shapes. Shapes live in a sign-local frame (the sign's
 * bounding circle is the unit disc, y points down); an affine placement maps that frame onto the
 * image. Each pixel is supersampled on an S×S grid and the samples are averaged (anti-aliasing);
 * the topmost shape hit by a sample decides its colour (painter's order: later shapes on top).
 */

export type Rgb = readonly [number, number, number];

/** Palette keys: colours are looked up per image so paint fading / tint can vary per sample. */
export type ColorKey = 'red' | 'white' | 'blue' | 'black' | 'yellow' | 'grey';
export type Palette = Readonly<Record<ColorKey, Rgb>>;

export type Shape =
  | { readonly kind: 'poly'; readonly pts: readonly number[] }
  | { readonly kind: 'disc'; readonly cx: number; readonly cy: number; readonly r: number }
  | {
      readonly kind: 'rect';
      readonly x0: number;
      readonly y0: number;
      readonly x1: number;
      readonly y1: number;
    }
  /** A capsule: all points within `w` of the segment (x0,y0)–(x1,y1). */
  | {
      readonly kind: 'seg';
      readonly x0: number;
      readonly y0: number;
      readonly x1: number;
      readonly y1: number;
      readonly w: number;
    }
  /** A ring sector: radius within r ± w, angle (atan2(y, x)) within [a0, a1]. */
  | {
      readonly kind: 'arc';
      readonly cx: number;
      readonly cy: number;
      readonly r: number;
      readonly w: number;
      readonly a0: number;
      readonly a1: number;
    };

export interface Paint {
  readonly shape: Shape;
  readonly color: ColorKey;
}

/** Where the sign lands in the image: centre (px), radius (px), rotation (rad), x squash (view angle). */
export interface Placement {
  readonly cx: number;
  readonly cy: number;
  readonly radius: number;
  readonly angle: number;
  /** Horizontal scale factor ≤ 1: a sign seen slightly from the side. */
  readonly squash: number;
}

/** Point-in-polygon by the even–odd rule over a flat [x0, y0, x1, y1, …] list. */
function inPoly(pts: readonly number[], x: number, y: number): boolean {
  let inside = false;
  const n = pts.length >> 1;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = pts[2 * i];
    const yi = pts[2 * i + 1];
    const xj = pts[2 * j];
    const yj = pts[2 * j + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inSeg(
  s: { x0: number; y0: number; x1: number; y1: number; w: number },
  x: number,
  y: number,
): boolean {
  const dx = s.x1 - s.x0;
  const dy = s.y1 - s.y0;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((x - s.x0) * dx + (y - s.y0) * dy) / len2;
  t = t < 0 ? 0 : Math.min(t, 1);
  const ex = x - (s.x0 + t * dx);
  const ey = y - (s.y0 + t * dy);
  return ex * ex + ey * ey <= s.w * s.w;
}

export function hit(shape: Shape, x: number, y: number): boolean {
  switch (shape.kind) {
    case 'poly':
      return inPoly(shape.pts, x, y);
    case 'disc': {
      const dx = x - shape.cx;
      const dy = y - shape.cy;
      return dx * dx + dy * dy <= shape.r * shape.r;
    }
    case 'rect':
      return x >= shape.x0 && x <= shape.x1 && y >= shape.y0 && y <= shape.y1;
    case 'seg':
      return inSeg(shape, x, y);
    case 'arc': {
      const dx = x - shape.cx;
      const dy = y - shape.cy;
      const d = Math.sqrt(dx * dx + dy * dy);
      if (d < shape.r - shape.w || d > shape.r + shape.w) return false;
      const a = Math.atan2(dy, dx);
      return a >= shape.a0 && a <= shape.a1;
    }
  }
}

/** Axis-aligned bounds of a shape in the sign frame, so most hit tests are four comparisons. */
function bounds(shape: Shape): [number, number, number, number] {
  switch (shape.kind) {
    case 'poly': {
      const xs = shape.pts.filter((_, i) => i % 2 === 0);
      const ys = shape.pts.filter((_, i) => i % 2 === 1);
      return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    }
    case 'disc':
      return [shape.cx - shape.r, shape.cy - shape.r, shape.cx + shape.r, shape.cy + shape.r];
    case 'rect':
      return [shape.x0, shape.y0, shape.x1, shape.y1];
    case 'seg':
      return [
        Math.min(shape.x0, shape.x1) - shape.w,
        Math.min(shape.y0, shape.y1) - shape.w,
        Math.max(shape.x0, shape.x1) + shape.w,
        Math.max(shape.y0, shape.y1) + shape.w,
      ];
    case 'arc':
      return [
        shape.cx - shape.r - shape.w,
        shape.cy - shape.r - shape.w,
        shape.cx + shape.r + shape.w,
        shape.cy + shape.r + shape.w,
      ];
  }
}

const boundsCache = new WeakMap<readonly Paint[], Float64Array>();

/** Bounds of every paint, four numbers each, computed once per paint list. */
function paintBounds(paints: readonly Paint[]): Float64Array {
  let b = boundsCache.get(paints);
  if (!b) {
    b = new Float64Array(paints.length * 4);
    for (let k = 0; k < paints.length; k++) b.set(bounds(paints[k].shape), k * 4);
    boundsCache.set(paints, b);
  }
  return b;
}

/**
 * Paints `paints` into the float RGB image `img` (HWC, values 0..1, side `size`) at `place`,
 * blending each pixel by its sample coverage with what is already there. `ss` is the supersampling
 * factor per axis (2 → 4 samples per pixel).
 */
export function drawSign(
  img: Float32Array,
  size: number,
  paints: readonly Paint[],
  palette: Palette,
  place: Placement,
  ss = 2,
): void {
  const cos = Math.cos(place.angle);
  const sin = Math.sin(place.angle);
  const sx = 1 / (place.radius * place.squash);
  const sy = 1 / place.radius;
  const reach = place.radius * 1.05 + 1;
  const x0 = Math.max(0, Math.floor(place.cx - reach));
  const x1 = Math.min(size - 1, Math.ceil(place.cx + reach));
  const y0 = Math.max(0, Math.floor(place.cy - reach));
  const y1 = Math.min(size - 1, Math.ceil(place.cy + reach));
  const inv = 1 / (ss * ss);
  const bb = paintBounds(paints);
  for (let py = y0; py <= y1; py++) {
    for (let px = x0; px <= x1; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy_ = 0; sy_ < ss; sy_++) {
        for (let sx_ = 0; sx_ < ss; sx_++) {
          const dx = px + (sx_ + 0.5) / ss - place.cx;
          const dy = py + (sy_ + 0.5) / ss - place.cy;
          // Inverse rotation, then scale into the sign's unit frame.
          const u = (cos * dx + sin * dy) * sx;
          const v = (-sin * dx + cos * dy) * sy;
          for (let k = paints.length - 1; k >= 0; k--) {
            const o4 = k * 4;
            if (u < bb[o4] || v < bb[o4 + 1] || u > bb[o4 + 2] || v > bb[o4 + 3]) continue;
            if (hit(paints[k].shape, u, v)) {
              const c = palette[paints[k].color];
              r += c[0];
              g += c[1];
              b += c[2];
              covered++;
              break;
            }
          }
        }
      }
      if (covered === 0) continue;
      const a = covered * inv;
      const o = (py * size + px) * 3;
      img[o] = img[o] * (1 - a) + r * inv;
      img[o + 1] = img[o + 1] * (1 - a) + g * inv;
      img[o + 2] = img[o + 2] * (1 - a) + b * inv;
    }
  }
}

/** Fills an axis-aligned pixel rectangle (clipped) with a colour at opacity `alpha`. */
export function fillRect(
  img: Float32Array,
  size: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  c: Rgb,
  alpha = 1,
): void {
  const xa = Math.max(0, Math.round(x0));
  const xb = Math.min(size, Math.round(x1));
  const ya = Math.max(0, Math.round(y0));
  const yb = Math.min(size, Math.round(y1));
  for (let y = ya; y < yb; y++) {
    for (let x = xa; x < xb; x++) {
      const o = (y * size + x) * 3;
      for (let ch = 0; ch < 3; ch++) img[o + ch] = img[o + ch] * (1 - alpha) + c[ch] * alpha;
    }
  }
}

/** Fills a pixel disc (hard edge, clipped) with a colour at opacity `alpha`. */
export function fillDisc(
  img: Float32Array,
  size: number,
  cx: number,
  cy: number,
  r: number,
  c: Rgb,
  alpha = 1,
): void {
  const xa = Math.max(0, Math.floor(cx - r));
  const xb = Math.min(size - 1, Math.ceil(cx + r));
  const ya = Math.max(0, Math.floor(cy - r));
  const yb = Math.min(size - 1, Math.ceil(cy + r));
  for (let y = ya; y <= yb; y++) {
    for (let x = xa; x <= xb; x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      if (dx * dx + dy * dy > r * r) continue;
      const o = (y * size + x) * 3;
      for (let ch = 0; ch < 3; ch++) img[o + ch] = img[o + ch] * (1 - alpha) + c[ch] * alpha;
    }
  }
}
