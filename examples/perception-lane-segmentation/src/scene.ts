/**
 * The random part of one road scene: camera pose, road geometry, markings, shadows, vehicles and
 * lighting, all drawn from one Rng in a fixed order (so a scene depends only on the Rng's state).
 * Ranges and their reasons are in README.md ("Simulator").
 */
import type { Rng } from '@prunekit/core';
import type { Camera } from './camera.js';

/** A ground rectangle in road coordinates (lateral offset from the ego centreline d, distance z). */
export interface GroundRect {
  readonly d0: number;
  readonly d1: number;
  readonly z0: number;
  readonly z1: number;
  /** Multiplier on the light falling inside (0..1). */
  readonly shade: number;
}

export interface Vehicle {
  /** Lateral offset of the vehicle centre from the ego centreline, metres. */
  readonly d: number;
  /** Distance to the vehicle's rear, metres. */
  readonly z: number;
  readonly widthM: number;
  readonly heightM: number;
  readonly rgb: readonly [number, number, number];
}

export interface Marking {
  /** Lateral position of the line centre from the ego centreline, metres. */
  readonly d: number;
  /** Dashed lines: paint `dashM` metres every `periodM`, shifted by `phaseM`; solid when periodM is 0. */
  readonly dashM: number;
  readonly periodM: number;
  readonly phaseM: number;
  readonly rgb: readonly [number, number, number];
}

export interface Scene {
  readonly camera: Camera;
  /** Centreline x(z) = offset + yaw·z + curvature·z²/2 (metres; constant curvature, small angles). */
  readonly offset: number;
  readonly yaw: number;
  readonly curvature: number;
  readonly laneWidth: number;
  /** Road edges relative to the ego centreline (left negative). */
  readonly roadLeft: number;
  readonly roadRight: number;
  readonly markingWidth: number;
  readonly markings: readonly Marking[];
  readonly shadows: readonly GroundRect[];
  readonly vehicles: readonly Vehicle[];
  readonly asphalt: readonly [number, number, number];
  readonly verge: readonly [number, number, number];
  readonly sky: readonly [number, number, number];
  /** Global light gain, per-channel tint and noise sigma (in 0..1 units). */
  readonly gain: number;
  readonly tint: readonly [number, number, number];
  readonly noise: number;
  /** Amplitude of the per-pixel asphalt/verge texture. */
  readonly texture: number;
}

const between = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng.next();
const rgb = (r: number, g: number, b: number): [number, number, number] => [r, g, b];

const WHITE = rgb(0.92, 0.92, 0.9);
const YELLOW = rgb(0.9, 0.75, 0.2);

export function sampleScene(rng: Rng, height: number, width: number): Scene {
  const camera: Camera = {
    f: width * between(rng, 0.4, 0.5),
    cx: width / 2 + between(rng, -0.02, 0.02) * width,
    horizon: height * between(rng, 0.3, 0.42),
    heightM: between(rng, 1.3, 1.7),
  };
  const laneWidth = between(rng, 3.2, 3.8);
  const lanesLeft = rng.int(2); // lanes beside the ego lane
  const lanesRight = rng.int(2);
  const roadLeft = -laneWidth / 2 - lanesLeft * laneWidth;
  const roadRight = laneWidth / 2 + lanesRight * laneWidth;
  const nLanes = 1 + lanesLeft + lanesRight;
  const dashed = rng.next() < 0.75; // inner lines dashed (else solid: no overtaking)
  const yellowLeft = rng.next() < 0.25;
  const dashM = between(rng, 2.5, 4);
  const periodM = dashM + between(rng, 5, 9);
  const markings: Marking[] = [];
  for (let k = 0; k <= nLanes; k++) {
    const edge = k === 0 || k === nLanes;
    markings.push({
      d: roadLeft + k * laneWidth,
      dashM,
      periodM: edge || !dashed ? 0 : periodM,
      phaseM: between(rng, 0, periodM),
      rgb: k === 0 && yellowLeft ? YELLOW : WHITE,
    });
  }
  const shadows: GroundRect[] = [];
  const nShadows = rng.int(6);
  for (let s = 0; s < nShadows; s++) {
    const z0 = between(rng, 3, 40);
    const d0 = between(rng, roadLeft - 6, roadRight + 2);
    shadows.push({
      d0,
      d1: d0 + between(rng, 1.5, 8),
      z0,
      z1: z0 + between(rng, 1, 8),
      shade: between(rng, 0.3, 0.65),
    });
  }
  const vehicles: Vehicle[] = [];
  const nVehicles = rng.int(4);
  for (let v = 0; v < nVehicles; v++) {
    const lane = rng.int(nLanes);
    const widthM = between(rng, 1.7, 2.4);
    const heightM = between(rng, 1.4, 2.8);
    const d = roadLeft + (lane + 0.5) * laneWidth + between(rng, -0.4, 0.4);
    const z = between(rng, 4, 35);
    const tone = rng.next();
    vehicles.push({
      d,
      z,
      widthM,
      heightM,
      rgb: rgb(tone * 0.9 + 0.05, between(rng, 0.05, 0.9), between(rng, 0.05, 0.9)),
    });
    // a vehicle's shadow on the road beneath and just behind it
    shadows.push({ d0: d - widthM / 2, d1: d + widthM / 2, z0: z - 0.4, z1: z + 3, shade: 0.3 });
  }
  vehicles.sort((a, b) => b.z - a.z); // painter's order: far first
  const grey = between(rng, 0.22, 0.45);
  const verdant = rng.next() < 0.6;
  return {
    camera,
    offset: between(rng, -0.8, 0.8),
    yaw: between(rng, -0.06, 0.06),
    curvature: between(rng, -0.012, 0.012),
    laneWidth,
    roadLeft,
    roadRight,
    markingWidth: between(rng, 0.2, 0.3),
    markings,
    shadows,
    vehicles,
    asphalt: rgb(grey, grey, grey * between(rng, 0.95, 1.1)),
    verge: verdant
      ? rgb(between(rng, 0.15, 0.3), between(rng, 0.35, 0.55), between(rng, 0.1, 0.25))
      : rgb(between(rng, 0.45, 0.6), between(rng, 0.38, 0.5), between(rng, 0.25, 0.35)),
    sky: rgb(between(rng, 0.5, 0.75), between(rng, 0.6, 0.8), between(rng, 0.75, 0.95)),
    gain: between(rng, 0.55, 1.3),
    tint: rgb(between(rng, 0.9, 1.1), between(rng, 0.9, 1.1), between(rng, 0.9, 1.1)),
    noise: between(rng, 0, 0.05),
    texture: between(rng, 0.02, 0.08),
  };
}

/** Lateral position of the ego centreline at distance z. */
export function centreline(s: Scene, z: number): number {
  return s.offset + s.yaw * z + (s.curvature * z * z) / 2;
}
