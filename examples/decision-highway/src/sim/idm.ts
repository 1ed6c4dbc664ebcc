/**
 * Intelligent Driver Model (Treiber, Hennecke, Helbing 2000):
 *   a_IDM = a · [1 − (v/v0)^δ − (s_star / s)²],   s_star = s0 + max(0, v·T + v·Δv / (2·√(a·b)))
 * with s the bumper-to-bumper gap to the leader and Δv = v − v_leader (approach rate).
 */
import type { IdmParams } from './params.js';

/** The leader seen by a vehicle: gap (m) and speed (m/s); undefined on an empty lane. */
export interface Leader {
  readonly gap: number;
  readonly v: number;
}

export function idmAccel(v: number, v0: number, leader: Leader | undefined, p: IdmParams): number {
  const free = 1 - (v / v0) ** p.delta;
  if (!leader) return p.a * free;
  const sStar = p.s0 + Math.max(0, v * p.T + (v * (v - leader.v)) / (2 * Math.sqrt(p.a * p.b)));
  const s = Math.max(leader.gap, 0.1);
  return p.a * (free - (sStar / s) ** 2);
}
