/**
 * A binary min-heap of cells keyed by (f, h, order): the lowest f first, ties to the lowest h
 * (closer to the goal), then to the earliest push — so searches are deterministic.
 */
export interface HeapItem {
  readonly cell: number;
  readonly f: number;
  readonly h: number;
  readonly order: number;
}

const before = (a: HeapItem, b: HeapItem): boolean =>
  a.f !== b.f ? a.f < b.f : a.h !== b.h ? a.h < b.h : a.order < b.order;

export class MinHeap {
  private readonly items: HeapItem[] = [];

  get size(): number {
    return this.items.length;
  }

  push(cell: number, f: number, h: number, order: number): void {
    const a = this.items;
    a.push({ cell, f, h, order });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }

  pop(): HeapItem {
    const a = this.items;
    const top = a[0];
    const last = a.pop() as HeapItem;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l], a[m])) m = l;
        if (r < a.length && before(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
