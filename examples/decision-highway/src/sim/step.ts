/**
 * One simulation step: every vehicle's action is applied at once. Lane changes are instantaneous
 * (then a cooldown), longitudinal motion is x += v·dt + a·dt²/2, v += a·dt (v ≥ 0). A vehicle whose
 * front passes the rear of its leader has collided: it is put back s0 behind at the leader's speed.
 */
import { ACCELERATE, BRAKE, LEFT, RIGHT, type SimParams } from './params.js';
import { invalidate, neighbours, type World } from './world.js';

export interface StepOutcome {
  /** Per car: 1 if it collided during this step. */
  readonly collided: Uint8Array;
  /** Per car: distance travelled (m). */
  readonly travelled: Float64Array;
  /** Per car: 1 if it asked for a lane that does not exist (treated as keep). */
  readonly invalid: Uint8Array;
}

export function stepWorld(world: World, actions: ArrayLike<number>, p: SimParams): StepOutcome {
  const { road, action } = p;
  const n = world.cars.length;
  const collided = new Uint8Array(n);
  const travelled = new Float64Array(n);
  const invalid = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = world.cars[i];
    const act = actions[i];
    if (c.cooldown > 0) c.cooldown--;
    if (act === LEFT || act === RIGHT) {
      const lane = c.lane + (act === LEFT ? 1 : -1);
      if (lane < 0 || lane >= road.lanes) invalid[i] = 1;
      else {
        c.lane = lane;
        c.cooldown = action.cooldown;
      }
    }
  }
  invalidate(world);
  for (let i = 0; i < n; i++) {
    const c = world.cars[i];
    const act = actions[i];
    const a = act === BRAKE ? -action.brake : act === ACCELERATE ? action.accel : 0;
    const vNext = Math.max(0, c.v + a * road.dt);
    // Stop exactly at v = 0 rather than rolling backwards.
    const dx = a < 0 && vNext === 0 ? (c.v * c.v) / (2 * -a) : c.v * road.dt + 0.5 * a * road.dt * road.dt;
    c.x = (c.x + dx) % road.length;
    c.v = vNext;
    travelled[i] = dx;
  }
  invalidate(world);
  for (let i = 0; i < n; i++) {
    const c = world.cars[i];
    const { lead } = neighbours(world, i, c.lane);
    if (lead && lead.gap < 0) {
      collided[i] = 1;
      const l = world.cars[lead.index];
      c.x = (l.x - road.carLength - p.idm.s0 + road.length) % road.length;
      c.v = Math.min(c.v, l.v);
      invalidate(world);
    }
  }
  return { collided, travelled, invalid };
}
