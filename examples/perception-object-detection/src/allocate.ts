/**
 * Sensitivity-greedy allocation of per-group pruning ratios: each group was measured alone at a few
 * ratios (the damage to the model's output and the MACs it saves); groups are stepped up, cheapest
 * damage per MAC saved first, until the whole plan's true MACs reach the target.
 */

/** One group measured alone at one ratio: output damage (≥ 0) and the fraction of MACs it saves. */
export interface GroupLevel {
  readonly ratio: number;
  readonly damage: number;
  readonly macsSaved: number;
}

/** A group's measured levels, in increasing ratio (level 0 — ratio 0, no damage — is implied). */
export interface GroupSensitivity {
  readonly group: string;
  readonly levels: readonly GroupLevel[];
}

/** The chosen ratio per group and the MACs fraction the plan's check measured last. */
export interface Allocation {
  readonly ratios: Map<string, number>;
  readonly macsFraction: number;
  readonly steps: number;
}

/**
 * Greedy: from all groups dense, repeatedly raise the group (to any of its higher levels) whose
 * extra damage per extra MAC saved is least, then ask `macsOf` for the plan's true MACs fraction
 * (pruned / dense; savings of neighbouring groups do not add up exactly). Stops at `target` or when
 * no step saves MACs.
 */
export async function allocateRatios(
  table: readonly GroupSensitivity[],
  target: number,
  macsOf: (ratios: ReadonlyMap<string, number>) => Promise<number>,
): Promise<Allocation> {
  const at = new Map<string, number>(table.map((g) => [g.group, -1]));
  const ratios = new Map<string, number>();
  let estimate = 1;
  let macs = 1;
  let steps = 0;
  for (;;) {
    let best: { g: GroupSensitivity; level: number; cost: number } | undefined;
    for (const g of table) {
      const cur = at.get(g.group) ?? -1;
      const d0 = cur < 0 ? 0 : g.levels[cur].damage;
      const m0 = cur < 0 ? 0 : g.levels[cur].macsSaved;
      for (let j = cur + 1; j < g.levels.length; j++) {
        const dm = g.levels[j].macsSaved - m0;
        if (!(dm > 1e-9)) continue;
        const cost = Math.max(0, g.levels[j].damage - d0) / dm;
        if (!best || cost < best.cost) best = { g, level: j, cost };
      }
    }
    if (!best) break;
    const cur = at.get(best.g.group) ?? -1;
    estimate -= best.g.levels[best.level].macsSaved - (cur < 0 ? 0 : best.g.levels[cur].macsSaved);
    at.set(best.g.group, best.level);
    ratios.set(best.g.group, best.g.levels[best.level].ratio);
    steps++;
    // Single-group savings over-count when neighbours are both cut: check the true figure once the
    // estimate is near the target, and keep going while it is above.
    if (estimate <= target + 0.05) {
      macs = await macsOf(ratios);
      if (macs <= target) break;
    }
  }
  if (steps > 0 && macs === 1) macs = await macsOf(ratios);
  return { ratios, macsFraction: macs, steps };
}
