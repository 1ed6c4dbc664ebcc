/**
 * Closed-loop evaluation: in each of `worlds` independent worlds vehicle 0 (the ego) is driven by
 * the policy, every other vehicle by the expert. At every step the expert is also asked what it
 * would do in the ego's place. The egos of all worlds are batched into one forward pass per step.
 */
import { createRng } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { expertAction } from './sim/expert.js';
import { featureCount, writeFeatures } from './sim/features.js';
import { BRAKE, type SimParams } from './sim/params.js';
import { stepWorld } from './sim/step.js';
import { createWorld, type World } from './sim/world.js';

export interface ClosedLoopOptions {
  readonly worlds: number;
  readonly steps: number;
  readonly seed: number;
  /** Expert-only steps before the ego is handed to the policy (default 20). */
  readonly warmup?: number;
}

export interface ClosedLoopEval {
  /** Fraction of ego steps where the policy chose the expert's action. */
  readonly agreement: number;
  /** Of the ego steps where the expert would brake, the fraction where the policy braked. */
  readonly brakeRecall: number;
  readonly collisions: number;
  readonly km: number;
  readonly collisionsPer1000Km: number;
  /** Requests for a lane that does not exist, per 1,000 steps. */
  readonly invalidPer1000Steps: number;
  readonly egoSteps: number;
}

/** Policy over a batch of ego feature rows; returns one action per row. */
export type Policy = (
  x: Float32Array,
  rows: number,
  features: number,
  worlds: readonly World[],
) => ArrayLike<number>;

export function modelPolicy(model: tfl.LayersModel): Policy {
  return (x, rows, f) =>
    tf.tidy(() => tf.argMax(model.predict(tf.tensor2d(x, [rows, f])) as tf.Tensor, 1).dataSync());
}

/** The expert itself in the ego's seat (the reference row). */
export function expertPolicy(p: SimParams): Policy {
  return (_x, rows, _f, worlds) => Array.from({ length: rows }, (_, w) => expertAction(worlds[w], 0, p));
}

export function closedLoop(policy: Policy, p: SimParams, o: ClosedLoopOptions): ClosedLoopEval {
  const rng = createRng(o.seed);
  const worlds = Array.from({ length: o.worlds }, () => createWorld(p.road, rng));
  const f = featureCount(p.road.lanes);
  const x = new Float32Array(o.worlds * f);
  const actions = worlds.map((w) => new Uint8Array(w.cars.length));
  let agree = 0;
  let brakes = 0;
  let caught = 0;
  let collisions = 0;
  let metres = 0;
  let invalid = 0;
  let egoSteps = 0;
  const warmup = o.warmup ?? 20;
  for (let s = 0; s < warmup + o.steps; s++) {
    const driving = s >= warmup;
    const expertEgo = worlds.map((w) => expertAction(w, 0, p));
    let ego: ArrayLike<number> = expertEgo;
    if (driving) {
      for (let k = 0; k < worlds.length; k++) writeFeatures(worlds[k], 0, p, x, k * f);
      ego = policy(x, o.worlds, f, worlds);
    }
    worlds.forEach((w, k) => {
      const acts = actions[k];
      acts[0] = ego[k];
      for (let i = 1; i < w.cars.length; i++) acts[i] = expertAction(w, i, p);
      const out = stepWorld(w, acts, p);
      if (!driving) return;
      egoSteps++;
      if (ego[k] === expertEgo[k]) agree++;
      if (expertEgo[k] === BRAKE) {
        brakes++;
        if (ego[k] === BRAKE) caught++;
      }
      collisions += out.collided[0];
      invalid += out.invalid[0];
      metres += out.travelled[0];
    });
  }
  const km = metres / 1000;
  return {
    agreement: agree / egoSteps,
    brakeRecall: brakes === 0 ? 1 : caught / brakes,
    collisions,
    km,
    collisionsPer1000Km: km === 0 ? 0 : (1000 * collisions) / km,
    invalidPer1000Steps: (1000 * invalid) / egoSteps,
    egoSteps,
  };
}
