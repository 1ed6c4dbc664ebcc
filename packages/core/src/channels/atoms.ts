import type { GroupMember } from '../groups.js';

/**
 * The atoms of a model and the equivalence between them (union–find). Two atoms are joined when
 * an element-wise layer (Add, Multiply, …) couples their channels one to one; a joined class is one
 * dependency group. An atom is frozen when some layer cannot lose its channels (model inputs and
 * outputs, ignored layers, layers that mix channels such as softmax or LayerNormalization).
 */
export class AtomTable {
  private readonly parent: number[] = [];
  private readonly sizes: number[] = [];
  /** The layer whose output created the atom, when a layer produced it from weights. */
  private readonly roots: (string | undefined)[] = [];
  private readonly frozen = new Map<number, string>();
  private readonly members: GroupMember[][] = [];

  create(size: number, root?: string): number {
    const id = this.parent.length;
    this.parent.push(id);
    this.sizes.push(size);
    this.roots.push(root);
    this.members.push([]);
    return id;
  }

  get count(): number {
    return this.parent.length;
  }

  size(atom: number): number {
    return this.sizes[atom];
  }

  root(atom: number): string | undefined {
    return this.roots[atom];
  }

  find(atom: number): number {
    let a = atom;
    while (this.parent[a] !== a) {
      this.parent[a] = this.parent[this.parent[a]];
      a = this.parent[a];
    }
    return a;
  }

  /** Joins two atoms of equal size; returns false (and joins nothing) when sizes differ. */
  union(a: number, b: number): boolean {
    if (this.sizes[a] !== this.sizes[b]) return false;
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
    return true;
  }

  freeze(atom: number, reason: string): void {
    if (!this.frozen.has(atom)) this.frozen.set(atom, reason);
  }

  /** Why the atom's class cannot be pruned, or undefined when it can. */
  frozenReason(atom: number): string | undefined {
    const r = this.find(atom);
    for (const [a, why] of this.frozen) if (this.find(a) === r) return why;
    return undefined;
  }

  addMember(atom: number, member: GroupMember): void {
    this.members[atom].push(member);
  }

  membersOf(atom: number): readonly GroupMember[] {
    return this.members[atom];
  }
}
