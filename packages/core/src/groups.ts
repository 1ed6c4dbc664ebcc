/**
 * Dependency groups: channels coupled across layers that must be removed together.
 *
 * A member maps group channel `c` (0 ≤ c < group.size) to the indices
 *   offset + c·scale + k·stride,  k = 0 … repeat−1
 * along `axis` of a parameter (or of a layer's output when `param` is absent). Plain coupling is
 * scale 1, repeat 1; a Flatten feeding a Dense maps one channel to `repeat` spatial rows spaced by
 * `stride` (= channel count); a depthwise conv with multiplier m maps channel c to m outputs
 * (scale m, repeat m, stride 1); a Concatenate shifts by `offset`.
 */
export interface GroupMember {
  readonly node: string;
  /** Parameter id; absent for members that only describe an activation (pass-through layers). */
  readonly param?: string;
  readonly axis: number;
  readonly offset: number;
  readonly scale: number;
  readonly stride: number;
  readonly repeat: number;
  /** 'out': the layer produces these channels; 'in': it consumes them; 'through': it carries them. */
  readonly role: 'out' | 'in' | 'through';
}

/**
 * Channels that must be pruned together: the layers whose outputs they are and every layer that reads
 * them.
 */
export interface DependencyGroup {
  readonly id: string;
  /** Number of prunable channels in the group. */
  readonly size: number;
  /** Layers whose output channels the group removes. */
  readonly roots: readonly string[];
  readonly members: readonly GroupMember[];
}

/** The indices a member touches for the given group channels, sorted ascending. */
export function memberIndices(member: GroupMember, channels: readonly number[]): number[] {
  const out: number[] = [];
  for (const c of channels) {
    for (let k = 0; k < member.repeat; k++) out.push(member.offset + c * member.scale + k * member.stride);
  }
  return out.sort((a, b) => a - b);
}
