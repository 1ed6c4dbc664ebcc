/**
 * Closed-loop driving, batched: in each world the first `egos` vehicles are driven by the policy,
 * every other vehicle by the expert. All egos of all worlds go through one forward pass per step.
 * World k of a run is scenario `first + k`: its starting traffic comes from its own seed, so two
 * policies driving scenario i start from the same highway (paired comparisons).
 *
 * Events counted per ego: collision (its front passed its leader's rear); near_miss (time to
 * collision with its leader falls below `nearMissTtc`, counted once per encounter); off_road
 * (asked for a lane that does not exist); cut_in (changed lane in front of a vehicle that must then
 * brake harder than MOBIL's b_safe); hard_brake (its own mean deceleration over the last
 * `hardBrakeWindow` seconds above `hardBrake` m/s², counted once per braking; the brake action alone
 * is 3 m/s² a step, so one or two steps of it are not counted with the defaults; a collision's
 * speed drop is the collision's, and the window starts over after it).
 */
import { createRng } from '@prunekit/core';
import {
  type ClosedLoopSimulator,
  type DriveOptions,
  type DriveResult,
  HardBraking,
  OnsetCounter,
  type ScenarioOutcome,
} from '@prunekit/pruners';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { expertAction } from './sim/expert.js';
import { featureCount, writeFeatures } from './sim/features.js';
import { idmAccel } from './sim/idm.js';
import { BRAKE, LEFT, RIGHT, type SimParams } from './sim/params.js';
import { stepWorld } from './sim/step.js';
import { createWorld, neighbours, type World } from './sim/world.js';

export const HIGHWAY_EVENTS = ['collision', 'near_miss', 'off_road', 'cut_in', 'hard_brake'] as const;

export interface ClosedLoopOptions {
  readonly worlds: number;
  readonly steps: number;
  readonly seed: number;
  /** Scenario index of the first world (default 0). */
  readonly first?: number;
  /** Policy-driven vehicles per world (default 1; at most half the world's vehicles). */
  readonly egos?: number;
  /** Expert-only steps before the egos are handed to the policy (default 20). */
  readonly warmup?: number;
  /** Near-miss threshold on time to collision (s; default 1.5). */
  readonly nearMissTtc?: number;
  /** Hard-braking threshold on the ego's mean deceleration (m/s²; default 2.5) ... */
  readonly hardBrake?: number;
  /** ... over this window (s; default 1.5, three 0.5 s steps). */
  readonly hardBrakeWindow?: number;
  /** Ask the expert in every ego's place for agreement / brake recall (default true). */
  readonly agreement?: boolean;
}

export interface ClosedLoopEval {
  /** Fraction of ego steps where the policy chose the expert's action (NaN when not asked). */
  readonly agreement: number;
  /** Of the ego steps where the expert would brake, the fraction where the policy braked. */
  readonly brakeRecall: number;
  readonly collisions: number;
  readonly km: number;
  readonly collisionsPer1000Km: number;
  /** Requests for a lane that does not exist, per 1,000 steps. */
  readonly invalidPer1000Steps: number;
  readonly egoSteps: number;
  /** Raw counts behind the fractions (for merging evaluations of consecutive batches). */
  readonly agreed: number;
  readonly expertBrakes: number;
  readonly brakesCaught: number;
  readonly invalid: number;
  /** Per world (scenario): km driven by its egos and their event counts. */
  readonly outcomes: readonly ScenarioOutcome[];
}

/** Policy over a batch of ego feature rows; returns one action per row. */
export type Policy = (
  x: Float32Array,
  rows: number,
  features: number,
  worlds: readonly World[],
  cars: readonly number[],
) => ArrayLike<number>;

/** Argmax of `model` over a batch of feature rows. */
export function modelActions(model: tfl.LayersModel, x: Float32Array, rows: number, f: number): Int32Array {
  return tf.tidy(
    () => tf.argMax(model.predict(tf.tensor2d(x, [rows, f])) as tf.Tensor, 1).dataSync() as Int32Array,
  );
}

export function modelPolicy(model: tfl.LayersModel): Policy {
  return (x, rows, f) => modelActions(model, x, rows, f);
}

/** The expert itself in the egos' seats (the reference row). */
export function expertPolicy(p: SimParams): Policy {
  return (_x, rows, _f, worlds, cars) =>
    Array.from({ length: rows }, (_, r) => expertAction(worlds[r], cars[r], p));
}

/** Scenario i's own seed (independent of how many worlds a run batches). */
export function scenarioSeed(seed: number, i: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(i + 1, 0x85ebca6b)) >>> 0;
}

/** Time to collision with the own-lane leader (s); Infinity when not closing in. */
function ttc(world: World, i: number): number {
  const me = world.cars[i];
  const { lead } = neighbours(world, i, me.lane);
  if (!lead) return Number.POSITIVE_INFINITY;
  const closing = me.v - world.cars[lead.index].v;
  return closing > 0 ? Math.max(0, lead.gap) / closing : Number.POSITIVE_INFINITY;
}

export interface Shadow {
  readonly policy: Policy;
  /** Called with each ego row where the shadow's action differs from the driver's, and the expert's action there. */
  readonly onDivergent: (x: Float32Array, row: number, expert: number) => void;
}

export function closedLoop(
  policy: Policy,
  p: SimParams,
  o: ClosedLoopOptions,
  shadow?: Shadow,
): ClosedLoopEval {
  const first = o.first ?? 0;
  const worlds = Array.from({ length: o.worlds }, (_, k) =>
    createWorld(p.road, createRng(scenarioSeed(o.seed, first + k))),
  );
  const egos = worlds.map((w) => Math.max(1, Math.min(o.egos ?? 1, Math.floor(w.cars.length / 2))));
  const rowsOf: number[] = [];
  const carOf: number[] = [];
  const worldOf: World[] = [];
  worlds.forEach((w, k) => {
    for (let i = 0; i < egos[k]; i++) {
      rowsOf.push(k);
      carOf.push(i);
      worldOf.push(w);
    }
  });
  const rows = rowsOf.length;
  const f = featureCount(p.road.lanes);
  const x = new Float32Array(rows * f);
  const actions = worlds.map((w) => new Uint8Array(w.cars.length));
  const ask = o.agreement ?? true;
  const thr = o.nearMissTtc ?? 1.5;
  const near = new OnsetCounter(rows);
  const braking = new HardBraking(
    rows,
    Math.max(1, Math.round((o.hardBrakeWindow ?? 1.5) / p.road.dt)),
    p.road.dt,
    o.hardBrake ?? 2.5,
  );
  const metres = new Float64Array(o.worlds);
  const counts = worlds.map(() => ({ collision: 0, near_miss: 0, off_road: 0, cut_in: 0, hard_brake: 0 }));
  let agree = 0;
  let brakes = 0;
  let caught = 0;
  let egoSteps = 0;
  const warmup = o.warmup ?? 20;
  for (let s = 0; s < warmup + o.steps; s++) {
    const driving = s >= warmup;
    let ego: ArrayLike<number> | undefined;
    let expertEgo: number[] | undefined;
    if (driving) {
      for (let r = 0; r < rows; r++) writeFeatures(worldOf[r], carOf[r], p, x, r * f);
      ego = policy(x, rows, f, worldOf, carOf);
      if (shadow) {
        const other = shadow.policy(x, rows, f, worldOf, carOf);
        for (let r = 0; r < rows; r++)
          if (other[r] !== ego[r]) shadow.onDivergent(x, r, expertAction(worldOf[r], carOf[r], p));
      }
      if (ask) expertEgo = carOf.map((i, r) => expertAction(worldOf[r], i, p));
    }
    let r = 0;
    worlds.forEach((w, k) => {
      const acts = actions[k];
      for (let i = 0; i < w.cars.length; i++)
        acts[i] = ego && i < egos[k] ? ego[r + i] : expertAction(w, i, p);
      const lanes = ego ? Array.from({ length: egos[k] }, (_, i) => w.cars[i].lane) : [];
      const out = stepWorld(w, acts, p);
      if (!ego) return;
      const c = counts[k];
      for (let i = 0; i < egos[k]; i++, r++) {
        egoSteps++;
        if (expertEgo) {
          if (ego[r] === expertEgo[r]) agree++;
          if (expertEgo[r] === BRAKE) {
            brakes++;
            if (ego[r] === BRAKE) caught++;
          }
        }
        metres[k] += out.travelled[i];
        c.collision += out.collided[i];
        c.off_road += out.invalid[i];
        const me = w.cars[i];
        if ((ego[r] === LEFT || ego[r] === RIGHT) && me.lane !== lanes[i]) {
          const { follow } = neighbours(w, i, me.lane);
          if (follow) {
            const fc = w.cars[follow.index];
            if (idmAccel(fc.v, fc.v0, { gap: follow.gap, v: me.v }, p.idm) < -p.mobil.bSafe) c.cut_in++;
          }
        }
        c.near_miss += near.step(r, !out.collided[i] && ttc(w, i) < thr);
        c.hard_brake += braking.step(r, me.v, out.collided[i] === 1);
      }
    });
  }
  return summarize({
    asked: ask,
    km: metres.reduce((a, b) => a + b, 0) / 1000,
    collisions: counts.reduce((a, c) => a + c.collision, 0),
    egoSteps,
    agreed: agree,
    expertBrakes: brakes,
    brakesCaught: caught,
    invalid: counts.reduce((a, c) => a + c.off_road, 0),
    outcomes: counts.map((c, k) => ({ exposure: metres[k] / 1000, events: c })),
  });
}

type RawCounts = Pick<
  ClosedLoopEval,
  'km' | 'collisions' | 'egoSteps' | 'agreed' | 'expertBrakes' | 'brakesCaught' | 'invalid' | 'outcomes'
> & { readonly asked: boolean };

/** The figures of a drive from its raw counts. */
function summarize(c: RawCounts): ClosedLoopEval {
  const { asked, ...raw } = c;
  return {
    ...raw,
    agreement: asked ? c.agreed / c.egoSteps : Number.NaN,
    brakeRecall: !asked ? Number.NaN : c.expertBrakes === 0 ? 1 : c.brakesCaught / c.expertBrakes,
    collisionsPer1000Km: c.km === 0 ? 0 : (1000 * c.collisions) / c.km,
    invalidPer1000Steps: (1000 * c.invalid) / c.egoSteps,
  };
}

/** The evaluation of consecutive batches of worlds as one (the figures of all their egos). */
export function mergeEvals(parts: readonly ClosedLoopEval[]): ClosedLoopEval {
  const sum = (f: (e: ClosedLoopEval) => number) => parts.reduce((a, e) => a + f(e), 0);
  return summarize({
    asked: parts.length > 0 && parts.every((e) => !Number.isNaN(e.agreement)),
    km: sum((e) => e.km),
    collisions: sum((e) => e.collisions),
    egoSteps: sum((e) => e.egoSteps),
    agreed: sum((e) => e.agreed),
    expertBrakes: sum((e) => e.expertBrakes),
    brakesCaught: sum((e) => e.brakesCaught),
    invalid: sum((e) => e.invalid),
    outcomes: parts.flatMap((e) => e.outcomes),
  });
}

/** The highway as a ClosedLoopSimulator for the closed-loop guard (exposure in km). */
export function highwaySimulator(
  p: SimParams,
  o: Omit<ClosedLoopOptions, 'worlds' | 'first' | 'agreement'>,
): ClosedLoopSimulator {
  return {
    name: 'highway',
    unit: 'km',
    events: HIGHWAY_EVENTS,
    drive(model: tfl.LayersModel, first: number, count: number, d: DriveOptions = {}): DriveResult {
      const f = featureCount(p.road.lanes);
      const max = d.maxDivergent ?? 20000;
      const kept: Float32Array[] = [];
      const labels: number[] = [];
      const teacher = d.shadow;
      const shadow: Shadow | undefined = teacher
        ? {
            policy: modelPolicy(teacher),
            onDivergent: (x, row, expert) => {
              if (kept.length >= max) return;
              kept.push(x.slice(row * f, (row + 1) * f));
              labels.push(expert);
            },
          }
        : undefined;
      const res = closedLoop(modelPolicy(model), p, { ...o, worlds: count, first, agreement: false }, shadow);
      if (!teacher) return { outcomes: res.outcomes };
      const x = new Float32Array(kept.length * f);
      for (const [i, row] of kept.entries()) x.set(row, i * f);
      return {
        outcomes: res.outcomes,
        divergent: { x, rows: kept.length, shape: [f], labels: Int32Array.from(labels) },
      };
    },
  };
}
