import { createRng } from '@prunekit/core';
import { randomArch } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { analyzeChannels, buildGraph, removeChannels, zeroChannels } from '@prunekit/layers';
import { magnitude } from '@prunekit/scorers';
import { channelPruner } from '../src/index.js';

const scorer = magnitude({ p: 1, reduction: 'sum', normalizer: 'mean' });

const SEEDS = Number(process.env.PRUNEKIT_PROPERTY_SEEDS ?? 200);

function outputsOf(model: tfl.LayersModel, x: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const y = model.predict(x);
    return (Array.isArray(y) ? y : [y]).map((t) => t.dataSync() as Float32Array);
  });
}

describe('structured pruning property: surgery equals zeroing', () => {
  it(`holds on ${SEEDS} seeded random architectures`, async () => {
    await tf.setBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const before = tf.memory().numTensors;
    const mismatches: string[] = [];
    const kinds = new Set<string>();
    let worst = 0;
    let pruneCount = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      // Every fourth architecture is a backbone nested inside an outer model (flattened by buildGraph).
      const { model, blocks } = randomArch(seed, { nested: seed % 4 === 0 });
      for (const k of blocks) kinds.add(k.split(':')[0]);
      const rng = createRng(seed * 7919);
      const analysis = analyzeChannels(buildGraph(model));
      let removal = new Map<string, readonly number[]>();
      if (seed % 3 === 0) {
        // Every third architecture: the channel pruner's own plan (random scope, ratio, roundTo).
        const plan = await channelPruner(analysis.graph, {
          scorer,
          ratio: 0.2 + 0.6 * rng.next(),
          scope: rng.next() < 0.5 ? 'global' : 'local',
          roundTo: [1, 2, 4][rng.int(3)],
        }).plan();
        removal = new Map(plan.channels);
      } else {
        for (const g of analysis.groups) {
          if (g.size < 2 || rng.next() < 0.2) continue;
          const n = 1 + rng.int(g.size - 1);
          removal.set(g.id, rng.shuffle([...Array(g.size).keys()]).slice(0, n));
        }
      }
      const pruned = await removeChannels(analysis, removal);
      const zeroed = await zeroChannels(analysis, removal);
      const x = tf.tensor4d(
        Float32Array.from({ length: 2 * 8 * 8 * 3 }, () => rng.normal()),
        [2, 8, 8, 3],
      );
      const a = outputsOf(pruned, x);
      const b = outputsOf(zeroed, x);
      let diff = 0;
      for (let o = 0; o < a.length; o++)
        for (let i = 0; i < a[o].length; i++) diff = Math.max(diff, Math.abs(a[o][i] - b[o][i]));
      if (!(diff <= 1e-4) || a.length !== b.length)
        mismatches.push(`seed ${seed} [${blocks.join(', ')}]: max abs diff ${diff}`);
      if (removal.size > 0) {
        pruneCount++;
        if (!(pruned.countParams() < model.countParams()))
          mismatches.push(`seed ${seed}: params did not shrink`);
      }
      worst = Math.max(worst, diff);
      x.dispose();
      pruned.dispose();
      zeroed.dispose();
      model.dispose();
    }
    console.log(
      `property: ${SEEDS} archs, ${pruneCount} pruned, worst max abs diff ${worst.toExponential(2)}, blocks seen: ${[...kinds].sort().join(' ')}`,
    );
    expect(mismatches).toEqual([]);
    expect(pruneCount).toBeGreaterThan(SEEDS * 0.75);
    expect(tf.memory().numTensors).toBe(before);
  });
});
