/**
 * Several guards judged together: a step is kept only if every guard allows it. The first guard
 * is the primary one (its value and drop are the step's `value` / `drop` in the log); every
 * guard's figures are in the step's `checks`.
 */
import { InvalidArgumentError } from '@prunekit/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SafetyGuard } from './options.js';

/** One guard or several (all must allow a step). */
export type Guards = SafetyGuard | readonly SafetyGuard[];

export interface GuardCheck {
  readonly metric: string;
  readonly value: number;
  readonly drop: number;
  readonly allowed: boolean;
  /** The guard's own statement of its decision (closed-loop guards: the statistic). */
  readonly detail?: string;
}

export interface Judge {
  readonly primary: SafetyGuard;
  /** Each guard's metric on the unpruned model, in order. */
  readonly references: readonly GuardCheck[];
  judge(model: tfl.LayersModel): Promise<{ checks: GuardCheck[]; allowed: boolean }>;
}

export function toGuardList(guards: Guards): readonly SafetyGuard[] {
  const list = Array.isArray(guards) ? (guards as readonly SafetyGuard[]) : [guards as SafetyGuard];
  if (list.length === 0) {
    throw new InvalidArgumentError(
      'guards: give at least one guard (guard({ metric, maxDrop, evaluate })).',
      {
        field: 'guards',
      },
    );
  }
  const seen = new Set<string>();
  list.forEach((g, i) => {
    if (!g || typeof g.measure !== 'function' || typeof g.allows !== 'function') {
      throw new InvalidArgumentError(
        `guards[${i}] is not a guard; build one with guard({ metric, maxDrop, evaluate }).`,
        {
          field: `guards[${i}]`,
        },
      );
    }
    if (seen.has(g.metric)) {
      throw new InvalidArgumentError(
        `guards: metric '${g.metric}' is guarded twice; give each guard its own metric name.`,
        {
          field: 'guards',
          metric: g.metric,
        },
      );
    }
    seen.add(g.metric);
  });
  return list;
}

export async function createJudge(guards: Guards, unpruned: tfl.LayersModel): Promise<Judge> {
  const list = toGuardList(guards);
  const refs: number[] = [];
  for (const g of list) refs.push(g.reference ?? (await g.measure(unpruned)));
  return {
    primary: list[0],
    references: list.map((g, i) => ({ metric: g.metric, value: refs[i], drop: 0, allowed: true })),
    async judge(model) {
      const checks: GuardCheck[] = [];
      for (const [i, g] of list.entries()) {
        if (g.assess) {
          const a = await g.assess(model);
          checks.push({
            metric: g.metric,
            value: a.value,
            drop: g.drop(refs[i], a.value),
            allowed: a.allowed,
            detail: a.detail,
          });
          continue;
        }
        const value = await g.measure(model);
        checks.push({
          metric: g.metric,
          value,
          drop: g.drop(refs[i], value),
          allowed: g.allows(refs[i], value),
        });
      }
      return { checks, allowed: checks.every((c) => c.allowed) };
    },
  };
}
