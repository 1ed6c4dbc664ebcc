/**
 * The expert: MOBIL (Kesting, Treiber, Helbing 2007) decides lane changes, IDM the longitudinal
 * acceleration, and both are mapped onto the five discrete actions.
 *
 * MOBIL, for a change of car c into a target lane (n = new follower there, o = old follower):
 *   safety:    ã_n ≥ −b_safe   (and neither gap in the target lane is below s0)
 *   incentive: ã_c − a_c + p·[(ã_n − a_n) + (ã_o − a_o)] > Δa_th
 * where a is an IDM acceleration before the change and ã after it.
 */
import { idmAccel, type Leader } from './idm.js';
import { ACCELERATE, BRAKE, KEEP, LEFT, RIGHT, type SimParams } from './params.js';
import { type Neighbours, neighbours, type World } from './world.js';

const leaderOf = (world: World, n: Neighbours): Leader | undefined =>
  n.lead ? { gap: n.lead.gap, v: world.cars[n.lead.index].v } : undefined;

/** MOBIL incentive of car i for moving into `lane`, or −∞ when the change is unsafe or impossible. */
export function mobilIncentive(world: World, i: number, lane: number, p: SimParams, own: Neighbours): number {
  if (lane < 0 || lane >= world.road.lanes) return Number.NEGATIVE_INFINITY;
  const { idm, mobil } = p;
  const L = world.road.carLength;
  const me = world.cars[i];
  const target = neighbours(world, i, lane);
  if (target.lead && target.lead.gap < idm.s0) return Number.NEGATIVE_INFINITY;
  if (target.follow && target.follow.gap < idm.s0) return Number.NEGATIVE_INFINITY;
  const aC = idmAccel(me.v, me.v0, leaderOf(world, own), idm);
  const aCNew = idmAccel(me.v, me.v0, leaderOf(world, target), idm);
  let dN = 0;
  if (target.follow) {
    const nf = world.cars[target.follow.index];
    const before: Leader | undefined = target.lead
      ? { gap: target.follow.gap + L + target.lead.gap, v: world.cars[target.lead.index].v }
      : undefined;
    const aN = idmAccel(nf.v, nf.v0, before, idm);
    const aNNew = idmAccel(nf.v, nf.v0, { gap: target.follow.gap, v: me.v }, idm);
    if (aNNew < -mobil.bSafe) return Number.NEGATIVE_INFINITY;
    dN = aNNew - aN;
  }
  let dO = 0;
  if (own.follow) {
    const of = world.cars[own.follow.index];
    const aO = idmAccel(of.v, of.v0, { gap: own.follow.gap, v: me.v }, idm);
    const after: Leader | undefined = own.lead
      ? { gap: own.follow.gap + L + own.lead.gap, v: world.cars[own.lead.index].v }
      : undefined;
    dO = idmAccel(of.v, of.v0, after, idm) - aO;
  }
  return aCNew - aC + mobil.politeness * (dN + dO);
}

/** The expert's discrete action for car i. */
export function expertAction(world: World, i: number, p: SimParams): number {
  const me = world.cars[i];
  const own = neighbours(world, i, me.lane);
  if (me.cooldown === 0) {
    const left = mobilIncentive(world, i, me.lane + 1, p, own);
    const right = mobilIncentive(world, i, me.lane - 1, p, own);
    const best = Math.max(left, right);
    if (best > p.mobil.threshold) return left >= right ? LEFT : RIGHT;
  }
  const a = idmAccel(me.v, me.v0, leaderOf(world, own), p.idm);
  if (a < -p.action.brakeBelow) return BRAKE;
  if (a > p.action.accelAbove) return ACCELERATE;
  return KEEP;
}
