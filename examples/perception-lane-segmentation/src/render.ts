/**
 * Rasterises a Scene: the ground (sky, verge, asphalt, markings, shadows) by supersampling each
 * pixel S×S, then vehicles as boxes over it, then light gain, tint and sensor noise. Labels come from
 * the same subsamples: a pixel is lane-marking when at least a third of it is paint (markings are
 * thin, so they win ties), else drivable when most of it is road, else background. Vehicle pixels
 * (at least half covered) are labelled background: the mask shows the free road that is visible,
 * not the road hidden behind a vehicle.
 */
import type { Rng } from '@prunekit/core';
import { columnOf, groundDistance, groundLateral, rowOf } from './camera.js';
import { centreline, type Scene, type Vehicle } from './scene.js';

export const CLASS_BACKGROUND = 0;
export const CLASS_DRIVABLE = 1;
export const CLASS_MARKING = 2;

/** Subsamples per pixel axis. */
const SS = 3;
/** Beyond this distance the road fades into haze and markings are no longer resolved. */
const MAX_Z = 120;

interface Sample {
  cls: number;
  r: number;
  g: number;
  b: number;
}

function shadeAt(s: Scene, d: number, z: number): number {
  let light = 1;
  for (const sh of s.shadows) {
    if (d >= sh.d0 && d <= sh.d1 && z >= sh.z0 && z <= sh.z1) light *= sh.shade;
  }
  return light;
}

function paintOnMarking(s: Scene, d: number, z: number): readonly [number, number, number] | null {
  const half = s.markingWidth / 2;
  for (const m of s.markings) {
    if (Math.abs(d - m.d) > half) continue;
    if (m.periodM > 0 && (z + m.phaseM) % m.periodM >= m.dashM) continue;
    return m.rgb;
  }
  return null;
}

function groundSample(s: Scene, u: number, v: number, out: Sample): void {
  const cam = s.camera;
  const z = groundDistance(cam, v);
  if (!(z < MAX_Z * 4)) {
    // sky: brighter towards the horizon
    const t = Math.min(1, Math.max(0, (cam.horizon - v) / Math.max(1, cam.horizon)));
    out.cls = CLASS_BACKGROUND;
    out.r = s.sky[0] * (1 - 0.25 * t) + 0.2 * (1 - t);
    out.g = s.sky[1] * (1 - 0.2 * t) + 0.2 * (1 - t);
    out.b = s.sky[2] + 0.05 * (1 - t);
    return;
  }
  const d = groundLateral(cam, u, z) - centreline(s, z);
  const haze = Math.min(1, z / MAX_Z);
  let c: readonly [number, number, number];
  if (d < s.roadLeft - s.markingWidth || d > s.roadRight + s.markingWidth) {
    out.cls = CLASS_BACKGROUND;
    c = s.verge;
  } else {
    const paint = z < MAX_Z ? paintOnMarking(s, d, z) : null;
    out.cls = paint ? CLASS_MARKING : CLASS_DRIVABLE;
    c = paint ?? s.asphalt;
  }
  const light = shadeAt(s, d, z);
  // distant ground blends into the sky colour (aerial perspective)
  const h = 0.6 * haze;
  out.r = c[0] * light * (1 - h) + s.sky[0] * h;
  out.g = c[1] * light * (1 - h) + s.sky[1] * h;
  out.b = c[2] * light * (1 - h) + s.sky[2] * h;
}

function paintGround(
  s: Scene,
  rng: Rng,
  height: number,
  width: number,
  rgb: Float32Array,
  mask: Uint8Array,
): void {
  const sample: Sample = { cls: 0, r: 0, g: 0, b: 0 };
  const n = SS * SS;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let marks = 0;
      let road = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          groundSample(s, x + (sx + 0.5) / SS, y + (sy + 0.5) / SS, sample);
          r += sample.r;
          g += sample.g;
          b += sample.b;
          if (sample.cls === CLASS_MARKING) marks++;
          if (sample.cls !== CLASS_BACKGROUND) road++;
        }
      }
      const p = y * width + x;
      mask[p] = marks * 3 >= n ? CLASS_MARKING : road * 2 > n ? CLASS_DRIVABLE : CLASS_BACKGROUND;
      // surface texture (grain of asphalt, grass): multiplicative, per pixel
      const grain = y > s.camera.horizon ? 1 + s.texture * rng.normal() : 1;
      rgb[p * 3] = (r / n) * grain;
      rgb[p * 3 + 1] = (g / n) * grain;
      rgb[p * 3 + 2] = (b / n) * grain;
    }
  }
}

/** Colour of a vehicle's rear at relative position (fx, fy) in its box (0,0 = top left). */
function vehicleColour(v: Vehicle, fx: number, fy: number): readonly [number, number, number] {
  if (fy > 0.85) return [0.06, 0.06, 0.07]; // bumper, tyres
  if (fy > 0.55 && fy < 0.7 && (fx < 0.16 || fx > 0.84)) return [0.8, 0.08, 0.06]; // tail lights
  if (fy > 0.12 && fy < 0.42 && fx > 0.1 && fx < 0.9) return [0.12, 0.14, 0.17]; // rear window
  return v.rgb;
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

function paintVehicle(
  s: Scene,
  v: Vehicle,
  height: number,
  width: number,
  rgb: Float32Array,
  mask: Uint8Array,
): void {
  const cam = s.camera;
  const x = centreline(s, v.z) + v.d;
  const u0 = columnOf(cam, x - v.widthM / 2, v.z);
  const u1 = columnOf(cam, x + v.widthM / 2, v.z);
  const vb = rowOf(cam, v.z);
  const vt = vb - (cam.f * v.heightM) / v.z;
  const yLo = Math.max(0, Math.floor(vt));
  const yHi = Math.min(height - 1, Math.ceil(vb) - 1);
  const xLo = Math.max(0, Math.floor(u0));
  const xHi = Math.min(width - 1, Math.ceil(u1) - 1);
  for (let y = yLo; y <= yHi; y++) {
    const cy = overlap(y, y + 1, vt, vb);
    for (let xx = xLo; xx <= xHi; xx++) {
      const cov = cy * overlap(xx, xx + 1, u0, u1);
      if (cov <= 0) continue;
      const col = vehicleColour(v, (xx + 0.5 - u0) / (u1 - u0), (y + 0.5 - vt) / (vb - vt));
      const p = y * width + xx;
      for (let c = 0; c < 3; c++) rgb[p * 3 + c] = rgb[p * 3 + c] * (1 - cov) + col[c] * cov;
      if (cov >= 0.5) mask[p] = CLASS_BACKGROUND;
    }
  }
}

/**
 * Renders `s` into `image` (HWC RGB, 8 bits) and `mask` (class ids). The Rng supplies the pixel
 * grain and sensor noise only; the scene itself is already drawn.
 */
export function renderScene(
  s: Scene,
  rng: Rng,
  height: number,
  width: number,
  image: Uint8Array,
  mask: Uint8Array,
): void {
  const rgb = new Float32Array(height * width * 3);
  paintGround(s, rng, height, width, rgb, mask);
  for (const v of s.vehicles) paintVehicle(s, v, height, width, rgb, mask);
  for (let i = 0; i < rgb.length; i++) {
    const lit = rgb[i] * s.gain * s.tint[i % 3] + s.noise * rng.normal();
    const q = Math.round(lit * 255);
    image[i] = Math.max(0, Math.min(q, 255));
  }
}
