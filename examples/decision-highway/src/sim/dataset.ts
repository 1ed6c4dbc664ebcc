/**
 * Expert demonstrations: worlds where every vehicle is driven by the expert through the discrete
 * actions; each step records every vehicle's features and the expert's action. With probability
 * `explore` a vehicle executes a random longitudinal action instead (the label stays the expert's),
 * so the data also holds the states a slightly wrong policy reaches. Same seed → same bytes.
 */
import { createRng } from '@prunekit/core';
import { expertAction } from './expert.js';
import { writeFeatures, featureCount } from './features.js';
import { ACCELERATE, BRAKE, KEEP, type SimParams } from './params.js';
import { stepWorld } from './step.js';
import { createWorld } from './world.js';

export interface Demonstrations {
  /** [count, features] row-major. */
  readonly x: Float32Array;
  /** Expert action per row. */
  readonly y: Uint8Array;
  readonly count: number;
  readonly features: number;
}

export interface DemoOptions {
  readonly samples: number;
  readonly seed: number;
  /** Steps simulated before recording (default 20). */
  readonly warmup?: number;
  /** Steps recorded per world before a new one is drawn (default 60). */
  readonly stepsPerWorld?: number;
  /** Probability of a random executed action (default 0.1). */
  readonly explore?: number;
}

export function generateDemonstrations(p: SimParams, o: DemoOptions): Demonstrations {
  const rng = createRng(o.seed);
  const f = featureCount(p.road.lanes);
  const x = new Float32Array(o.samples * f);
  const y = new Uint8Array(o.samples);
  const explore = o.explore ?? 0.1;
  const noisy = [KEEP, BRAKE, ACCELERATE];
  let row = 0;
  while (row < o.samples) {
    const world = createWorld(p.road, rng);
    const n = world.cars.length;
    const actions = new Uint8Array(n);
    for (let s = 0; s < (o.warmup ?? 20) + (o.stepsPerWorld ?? 60) && row < o.samples; s++) {
      const record = s >= (o.warmup ?? 20);
      for (let i = 0; i < n; i++) {
        const a = expertAction(world, i, p);
        if (record && row < o.samples) {
          writeFeatures(world, i, p, x, row * f);
          y[row++] = a;
        }
        actions[i] = rng.next() < explore ? noisy[rng.int(3)] : a;
      }
      stepWorld(world, actions, p);
    }
  }
  return { x, y, count: o.samples, features: f };
}

/** Counts of each action in the labels. */
export function actionCounts(y: Uint8Array, actions = 5): number[] {
  const c = new Array<number>(actions).fill(0);
  for (const a of y) c[a]++;
  return c;
}
