import type { Schedule } from '@prunekit/core';
import { constantSparsity } from './constant_sparsity.js';
import { linearIterative } from './linear_iterative.js';
import { lotteryTicket } from './lottery_ticket.js';
import { oneShot } from './one_shot.js';
import { polynomialDecay } from './polynomial_decay.js';
import { ScheduleError } from './schedule_error.js';

const builders: Record<string, (j: Record<string, unknown>) => Schedule> = {
  oneShot: (j) => oneShot(j.sparsity as number, { step: j.step as number }),
  constantSparsity: (j) => constantSparsity(j as never),
  polynomialDecay: (j) => polynomialDecay(j as never),
  linearIterative: (j) => linearIterative({ final: j.final as number, steps: j.steps as number[] }),
  lotteryTicket: (j) => lotteryTicket(j as never),
};

/** Rebuilds a schedule from its toJSON() form (recipes, checkpoints). */
export function scheduleFromJSON(json: unknown): Schedule {
  const type = (json as { type?: unknown } | null)?.type;
  if (
    typeof json !== 'object' ||
    json === null ||
    typeof type !== 'string' ||
    !Object.hasOwn(builders, type)
  ) {
    throw new ScheduleError(
      `Not a schedule: expected an object with type one of ${Object.keys(builders).join(', ')}, got ${JSON.stringify(json)}.`,
      { field: 'type' },
    );
  }
  return builders[type](json as Record<string, unknown>);
}
