import type { ChannelPlan, DependencyGroup } from '@prunekit/core';

/** One group offered to the caller in interactive mode. */
export interface GroupProposal {
  readonly group: DependencyGroup;
  /** The group's channel scores (higher = more important). */
  readonly scores: Float32Array;
  /** Channels the pruner proposes to remove (ascending). */
  readonly channels: readonly number[];
  /** Keep every channel of this group. */
  veto(): void;
  /** Remove these channels instead (checked when the plan is applied). */
  replace(channels: readonly number[]): void;
}

/** Iterate with `for await`; then plan() holds the proposals that were not vetoed. */
export interface InteractiveSession extends AsyncIterable<GroupProposal> {
  plan(): ChannelPlan;
}

export function interactiveSession(
  propose: () => Promise<Omit<GroupProposal, 'veto' | 'replace'>[]>,
  toPlan: (channels: Map<string, readonly number[]>) => ChannelPlan,
): InteractiveSession {
  const decided = new Map<string, readonly number[]>();
  return {
    async *[Symbol.asyncIterator]() {
      for (const p of await propose()) {
        decided.set(p.group.id, p.channels);
        yield {
          ...p,
          veto: () => decided.delete(p.group.id),
          replace: (channels) =>
            decided.set(
              p.group.id,
              [...channels].sort((a, b) => a - b),
            ),
        };
      }
    },
    plan: () => toPlan(new Map([...decided].filter(([, c]) => c.length > 0))),
  };
}
