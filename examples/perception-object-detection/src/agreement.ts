/**
 * Detection agreement of a pruned model with the dense one, per class: a pruned box matches a dense
 * box of the same class with IoU ≥ 0.5 (greedy, highest score first, one to one); precision over
 * the pruned boxes, recall over the dense ones, F1. No labels: the dense model is the reference.
 */
import type { Detection } from './detections.js';

/** Intersection over union of two [x1, y1, x2, y2] boxes. */
export function iou(a: readonly number[], b: readonly number[]): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = w * h;
  const area = (r: readonly number[]) => Math.max(0, r[2] - r[0]) * Math.max(0, r[3] - r[1]);
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** Counts for one class (or all), and F1 — null where the dense model found nothing of it. */
export interface ClassAgreement {
  readonly denseBoxes: number;
  readonly prunedBoxes: number;
  readonly matched: number;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
}

/** Agreement over a photo set: per class of `classes`, and `all` over those classes together. */
export interface Agreement {
  readonly perClass: Record<string, ClassAgreement>;
  readonly all: ClassAgreement;
}

function summarize(denseBoxes: number, prunedBoxes: number, matched: number): ClassAgreement {
  // With no dense box there is nothing to agree on: F1 is not measured (null), never 1.
  if (denseBoxes === 0) return { denseBoxes, prunedBoxes, matched, precision: null, recall: null, f1: null };
  const precision = prunedBoxes > 0 ? matched / prunedBoxes : 0;
  const recall = matched / denseBoxes;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { denseBoxes, prunedBoxes, matched, precision, recall, f1 };
}

/** Matches pruned boxes to dense boxes photo by photo; `minIou` default 0.5. */
export function agreement(
  dense: readonly (readonly Detection[])[],
  pruned: readonly (readonly Detection[])[],
  classes: readonly string[],
  minIou = 0.5,
): Agreement {
  if (dense.length !== pruned.length) {
    throw new RangeError(`agreement: ${dense.length} dense photos but ${pruned.length} pruned ones`);
  }
  const counts = new Map(classes.map((c) => [c, { d: 0, p: 0, m: 0 }]));
  dense.forEach((ref, i) => {
    for (const c of classes) {
      const k = counts.get(c)!;
      const refs = ref.filter((r) => r.label === c);
      const mine = pruned[i].filter((r) => r.label === c).sort((a, b) => b.score - a.score);
      k.d += refs.length;
      k.p += mine.length;
      const used = new Set<number>();
      for (const s of mine) {
        let best = -1;
        let bestIou = minIou;
        refs.forEach((r, j) => {
          const v = iou(r.box, s.box);
          if (!used.has(j) && v >= bestIou) {
            best = j;
            bestIou = v;
          }
        });
        if (best >= 0) {
          used.add(best);
          k.m++;
        }
      }
    }
  });
  const perClass = Object.fromEntries([...counts].map(([c, k]) => [c, summarize(k.d, k.p, k.m)]));
  const sum = (f: (k: { d: number; p: number; m: number }) => number) =>
    [...counts.values()].reduce((a, k) => a + f(k), 0);
  return {
    perClass,
    all: summarize(
      sum((k) => k.d),
      sum((k) => k.p),
      sum((k) => k.m),
    ),
  };
}
