// One case of the surgery property, shared by the suite test and scripts/check_random.ts:
// random channels of every prunable group removed from a random ONNX graph give a model whose
// onnxruntime outputs equal the masked original's within 1e-4 (relative to the output scale).
import { createRng } from '@prunekit/core';
import { analyzeOnnxChannels, buildOnnxGraph, removeOnnxChannels, zeroOnnxChannels } from '../src/index.js';
import { maxAbs, maxDiff, runOrt } from './ort.js';
import { randomOnnxModel } from './random_onnx.js';

export interface PropertyCase {
  readonly seed: number;
  readonly ops: readonly string[];
  readonly groups: number;
  readonly frozen: number;
  /** Channels removed over all groups. */
  readonly removed: number;
  readonly diff: number;
  readonly scale: number;
  /** Whether the removal changed the outputs (masked original ≠ original). */
  readonly changed: boolean;
  readonly ok: boolean;
}

export async function propertyCase(seed: number): Promise<PropertyCase> {
  const r = randomOnnxModel(seed);
  const graph = buildOnnxGraph(r.bytes, { label: `random_${seed}` });
  try {
    const analysis = analyzeOnnxChannels(graph);
    const rng = createRng(seed + 1000);
    const removal = new Map<string, number[]>();
    for (const g of analysis.groups) {
      if (rng.next() < 0.2) continue;
      const n = 1 + Math.floor(rng.next() * (g.size - 1));
      const all = [...Array(g.size).keys()].sort(() => rng.next() - 0.5);
      removal.set(
        g.id,
        all.slice(0, n).sort((a, b) => a - b),
      );
    }
    const x = Float32Array.from({ length: r.inputShape.reduce((a, d) => a * d, 1) }, () => rng.normal());
    const [yp, ym, yo] = await Promise.all(
      [removeOnnxChannels(analysis, removal), zeroOnnxChannels(analysis, removal), r.bytes].map((b) =>
        runOrt(b, x, r.inputShape),
      ),
    );
    const diff = maxDiff(yp, ym);
    const scale = Math.max(1, maxAbs(ym));
    const removed = [...removal.values()].reduce((a, c) => a + c.length, 0);
    return {
      seed,
      ops: r.ops,
      groups: analysis.groups.length,
      frozen: analysis.frozen.length,
      removed,
      diff,
      scale,
      changed: maxDiff(ym, yo) > 1e-6,
      ok: Number.isFinite(diff) && diff <= 1e-4 * scale,
    };
  } finally {
    graph.dispose();
  }
}
