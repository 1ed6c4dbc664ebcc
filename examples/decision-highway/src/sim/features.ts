/**
 * What the policy sees of one vehicle (its own sensors): speed, desired speed, lane-change
 * cooldown, lane (one-hot), and for the leader and follower in the left, own and right lane:
 * present flag, gap and relative speed. A lane that does not exist reads as blocked (gap 0).
 */
import type { SimParams } from './params.js';
import { neighbours, type World } from './world.js';

/** Gaps are scaled by this and clipped to 1 (the horizon of the sensors, m). */
export const GAP_RANGE = 200;

export function featureCount(lanes: number): number {
  return 3 + lanes + 3 * 2 * 3;
}

/** Writes car i's features into out[offset …]. */
export function writeFeatures(
  world: World,
  i: number,
  p: SimParams,
  out: Float32Array,
  offset: number,
): void {
  const me = world.cars[i];
  const { lanes } = world.road;
  let k = offset;
  out[k++] = me.v / 30;
  out[k++] = me.v0 / 30;
  out[k++] = me.cooldown / p.action.cooldown;
  for (let l = 0; l < lanes; l++) out[k++] = l === me.lane ? 1 : 0;
  for (const lane of [me.lane + 1, me.lane, me.lane - 1]) {
    const exists = lane >= 0 && lane < lanes;
    const nb = exists ? neighbours(world, i, lane) : {};
    for (const n of [nb.lead, nb.follow]) {
      if (!exists) {
        out[k++] = 0;
        out[k++] = 0;
        out[k++] = 0;
      } else if (!n) {
        out[k++] = 0;
        out[k++] = 1;
        out[k++] = 0;
      } else {
        out[k++] = 1;
        out[k++] = Math.max(-0.2, Math.min(1, n.gap / GAP_RANGE));
        out[k++] = (world.cars[n.index].v - me.v) / 10;
      }
    }
  }
}
