/**
 * Intelligent Driver Model (Treiber, Hennecke, Helbing 2000):
 *   a = a_max · [1 − (v / v0)^δ − (s* / s)²],  s* = s0 + max(0, v·T + v·Δv / (2√(a_max·b)))
 * with s the bumper-to-bumper gap to the leader and Δv = v − v_leader (no leader: no gap term).
 */
import type { IdmParams } from './params.js';

export interface Leader {
  readonly gap: number;
  readonly speed: number;
}

export function idmAccel(v: number, v0: number, leader: Leader | undefined, p: IdmParams): number {
  const free = 1 - (v / Math.max(v0, 0.1)) ** p.delta;
  if (!leader) return p.a * free;
  const sStar = p.s0 + Math.max(0, v * p.T + (v * (v - leader.speed)) / (2 * Math.sqrt(p.a * p.b)));
  const s = Math.max(leader.gap, 0.1);
  return p.a * (free - (sStar / s) ** 2);
}
