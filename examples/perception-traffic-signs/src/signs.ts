/**
 * The sign catalogue: each class is a list of flat-colour shapes in the sign's unit frame
 * (bounding circle = unit disc, y down), loosely after the Vienna-convention signs.
 */
import type { ColorKey, Paint, Shape } from './raster.js';

const p = (shape: Shape, color: ColorKey): Paint => ({ shape, color });
const disc = (r: number, cx = 0, cy = 0): Shape => ({ kind: 'disc', cx, cy, r });
const rect = (x0: number, y0: number, x1: number, y1: number): Shape => ({ kind: 'rect', x0, y0, x1, y1 });
const seg = (x0: number, y0: number, x1: number, y1: number, w: number): Shape => ({
  kind: 'seg',
  x0,
  y0,
  x1,
  y1,
  w,
});
const poly = (...pts: number[]): Shape => ({ kind: 'poly', pts });

/** Regular polygon with `n` corners on a circle of radius `r`, first corner at angle `a0`. */
function regular(n: number, r: number, a0: number): Shape {
  const pts: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = a0 + (2 * Math.PI * i) / n;
    pts.push(r * Math.cos(a), r * Math.sin(a));
  }
  return { kind: 'poly', pts };
}

/** Equilateral triangle centred on its centroid; `down` flips it (yield). */
function triangle(r: number, down = false): Shape {
  return regular(3, r, down ? Math.PI / 2 : -Math.PI / 2);
}

// Seven-segment glyphs in a unit cell [0,1]×[0,2]; 'T' and 'I' use a centre stem instead.
const SEGMENTS: Record<string, readonly [number, number, number, number]> = {
  a: [0, 0, 1, 0],
  b: [1, 0, 1, 1],
  c: [1, 1, 1, 2],
  d: [0, 2, 1, 2],
  e: [0, 1, 0, 2],
  f: [0, 0, 0, 1],
  g: [0, 1, 1, 1],
  s: [0.5, 0, 0.5, 2],
};
const GLYPHS: Record<string, string> = {
  '0': 'abcdef',
  '3': 'abcdg',
  '5': 'afgcd',
  '8': 'abcdefg',
  S: 'afgcd',
  T: 'as',
  O: 'abcdef',
  P: 'abefg',
};

/** A string of glyphs, each `w` wide and `h` tall, gap `gap`, centred on (cx, cy). */
function text(
  str: string,
  cx: number,
  cy: number,
  w: number,
  h: number,
  gap: number,
  stroke: number,
): Shape[] {
  const total = str.length * w + (str.length - 1) * gap;
  const out: Shape[] = [];
  for (let i = 0; i < str.length; i++) {
    const left = cx - total / 2 + i * (w + gap);
    const top = cy - h / 2;
    for (const s of GLYPHS[str[i]]) {
      const [x0, y0, x1, y1] = SEGMENTS[s];
      out.push(seg(left + x0 * w, top + (y0 * h) / 2, left + x1 * w, top + (y1 * h) / 2, stroke));
    }
  }
  return out;
}

/** A stick figure of height ~`s` standing with its head at (x, y). */
function person(x: number, y: number, s: number): Shape[] {
  const w = 0.07 * s * 2;
  return [
    disc(0.09 * s * 2, x, y),
    seg(x, y + 0.1 * s * 2, x, y + 0.42 * s * 2, w),
    seg(x, y + 0.42 * s * 2, x - 0.16 * s * 2, y + 0.75 * s * 2, w * 0.8),
    seg(x, y + 0.42 * s * 2, x + 0.16 * s * 2, y + 0.75 * s * 2, w * 0.8),
    seg(x, y + 0.2 * s * 2, x - 0.18 * s * 2, y + 0.38 * s * 2, w * 0.7),
    seg(x, y + 0.2 * s * 2, x + 0.18 * s * 2, y + 0.38 * s * 2, w * 0.7),
  ];
}

/** A horizontal arrow pointing right (dir 1) or left (dir −1), or up when `up`. */
function arrow(dir: 1 | -1, up = false): Shape[] {
  const map = (x: number, y: number): [number, number] => (up ? [y, -x] : [dir * x, y]);
  const [a0, a1] = map(-0.55, 0);
  const [b0, b1] = map(0.2, 0);
  const t = [map(0.62, 0), map(0.12, -0.36), map(0.12, 0.36)].flat();
  return [seg(a0, a1, b0, b1, 0.13), poly(...t)];
}

function roundaboutArrows(): Shape[] {
  const out: Shape[] = [];
  for (let k = 0; k < 3; k++) {
    const start = -Math.PI + (k * 2 * Math.PI) / 3;
    const end = start + (2 * Math.PI) / 3 - 0.75;
    // Arc a0 ≤ a1 must hold inside (−π, π]: split when the sector wraps.
    if (end > Math.PI) {
      out.push({ kind: 'arc', cx: 0, cy: 0, r: 0.5, w: 0.11, a0: start, a1: Math.PI });
      out.push({ kind: 'arc', cx: 0, cy: 0, r: 0.5, w: 0.11, a0: -Math.PI, a1: end - 2 * Math.PI });
    } else {
      out.push({ kind: 'arc', cx: 0, cy: 0, r: 0.5, w: 0.11, a0: start, a1: end });
    }
    // Arrow head at the end of the sector, pointing along the (counter-clockwise on screen) motion.
    const ca = Math.cos(end);
    const sa = Math.sin(end);
    const tipA = end + 0.45;
    out.push(poly(0.27 * ca, 0.27 * sa, 0.73 * ca, 0.73 * sa, 0.5 * Math.cos(tipA), 0.5 * Math.sin(tipA)));
  }
  return out;
}

export interface SignClass {
  readonly name: string;
  readonly paints: readonly Paint[];
}

const redRing = (inner: ColorKey, innerR = 0.78): Paint[] => [p(disc(1), 'red'), p(disc(innerR), inner)];
const warning = (): Paint[] => [p(triangle(1), 'red'), p(triangle(0.7), 'white')];
const speed = (digits: string): SignClass => ({
  name: `speed_${digits}`,
  paints: [...redRing('white'), ...text(digits, 0, 0.02, 0.34, 0.8, 0.1, 0.085).map((s) => p(s, 'black'))],
});

/** The classes, in label order. */
export const SIGN_CLASSES: readonly SignClass[] = [
  {
    name: 'stop',
    paints: [
      p(regular(8, 1, Math.PI / 8), 'white'),
      p(regular(8, 0.9, Math.PI / 8), 'red'),
      ...text('STOP', 0, 0, 0.25, 0.5, 0.1, 0.055).map((s) => p(s, 'white')),
    ],
  },
  { name: 'yield', paints: [p(triangle(1, true), 'red'), p(triangle(0.62, true), 'white')] },
  speed('30'),
  speed('50'),
  speed('80'),
  { name: 'no_entry', paints: [p(disc(1), 'red'), p(rect(-0.68, -0.17, 0.68, 0.17), 'white')] },
  {
    name: 'pedestrian_crossing',
    paints: [
      p(rect(-0.85, -0.85, 0.85, 0.85), 'blue'),
      p(triangle(0.78), 'white'),
      ...person(0.02, -0.22, 0.3).map((s) => p(s, 'black')),
      p(rect(-0.45, 0.3, -0.3, 0.36), 'black'),
      p(rect(-0.15, 0.3, 0.0, 0.36), 'black'),
      p(rect(0.15, 0.3, 0.3, 0.36), 'black'),
    ],
  },
  { name: 'turn_left', paints: [p(disc(1), 'blue'), ...arrow(-1).map((s) => p(s, 'white'))] },
  { name: 'turn_right', paints: [p(disc(1), 'blue'), ...arrow(1).map((s) => p(s, 'white'))] },
  { name: 'ahead_only', paints: [p(disc(1), 'blue'), ...arrow(1, true).map((s) => p(s, 'white'))] },
  { name: 'roundabout', paints: [p(disc(1), 'blue'), ...roundaboutArrows().map((s) => p(s, 'white'))] },
  {
    name: 'priority_road',
    paints: [
      p(poly(0, -1, 1, 0, 0, 1, -1, 0), 'white'),
      p(poly(0, -0.68, 0.68, 0, 0, 0.68, -0.68, 0), 'yellow'),
    ],
  },
  {
    name: 'children',
    paints: [
      ...warning(),
      ...person(-0.13, -0.24, 0.3).map((s) => p(s, 'black')),
      ...person(0.17, -0.08, 0.22).map((s) => p(s, 'black')),
    ],
  },
  {
    name: 'general_caution',
    paints: [...warning(), p(seg(0, -0.36, 0, 0.04, 0.085), 'black'), p(disc(0.09, 0, 0.2), 'black')],
  },
  {
    name: 'no_stopping',
    paints: [
      ...redRing('blue', 0.76),
      p(seg(-0.6, -0.6, 0.6, 0.6, 0.11), 'red'),
      p(seg(-0.6, 0.6, 0.6, -0.6, 0.11), 'red'),
    ],
  },
  {
    name: 'end_of_restrictions',
    paints: [
      p(disc(1), 'grey'),
      p(disc(0.92), 'white'),
      p(seg(-0.62, 0.42, 0.42, -0.62, 0.05), 'black'),
      p(seg(-0.5, 0.54, 0.54, -0.5, 0.05), 'black'),
      p(seg(-0.38, 0.66, 0.66, -0.38, 0.05), 'black'),
    ],
  },
];

export const CLASS_NAMES: readonly string[] = SIGN_CLASSES.map((c) => c.name);
export const NUM_CLASSES = SIGN_CLASSES.length;
