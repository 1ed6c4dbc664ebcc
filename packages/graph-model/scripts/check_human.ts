// Acceptance over every graph model in @vladmandic/human 3.3.6's models/ (the suite runs the
// small ones): load, inspect, prune 30% of each prunable group, reload the pruned file in stock
// tfjs (wasm) and compare with the masked original. Writes results/human-models.json.
// Run: pnpm --filter @prunekit/graph-model check:human
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { graphModelBytes } from '../src/index.js';
import { humanModel, pruneAndCompare, useWasm } from '../test/helpers.js';
import { scriptEnv, writeResult } from './setup.js';

tf.env().set('PROD', true);
await useWasm();
const dir = dirname(humanModel('x'));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && f !== 'models.json')
  .map((f) => f.replace(/\.json$/, ''))
  .sort();
// handtrack's signature leaves its spatial size open; 320×320 is what the model is trained for.
const shapes: Record<string, Record<string, number[]>> = { handtrack: { input_tensor: [1, 320, 320, 3] } };
const rows = [];
for (const name of names) {
  const r = await pruneAndCompare(humanModel(name), { inputShapes: shapes[name] });
  const total = r.analysis.groups.reduce((a, g) => a + g.size, 0);
  const removed = [...r.removal.values()].reduce((a, c) => a + c.length, 0);
  const frozenBy = new Map<string, number>();
  for (const f of r.analysis.frozen) {
    const op = /\((\w+)\)/.exec(f.reason)?.[1] ?? f.reason;
    frozenBy.set(op, (frozenBy.get(op) ?? 0) + 1);
  }
  const row = {
    model: name,
    nodes: r.analysis.graph.nodes.length,
    groups: r.analysis.groups.length,
    prunableChannels: total,
    removedChannels: removed,
    removedFraction: total ? removed / total : 0,
    frozenGroups: r.analysis.frozen.length,
    frozenByOp: Object.fromEntries(frozenBy),
    bytesIn: graphModelBytes(r.source),
    bytesOut: graphModelBytes(r.pruned),
    maxDiffVsMasked: r.diff,
    maxDiffDenseVsMasked: r.dense,
    leakedTensors: r.leaked,
    pruneMs: Math.round(r.ms),
  };
  rows.push(row);
  console.error(JSON.stringify(row));
}
const worst = Math.max(...rows.map((r) => r.maxDiffVsMasked));
const result = {
  name: 'graph-model-human',
  env: scriptEnv(),
  rows,
  goals: [
    {
      name: 'models_pruned_and_equal',
      value: rows.filter((r) => r.maxDiffVsMasked < 1e-4).length,
      target: rows.length,
      op: '>=',
    },
    { name: 'max_diff_vs_masked', value: worst, target: 1e-4, op: '<=' },
    { name: 'leaked_tensors', value: rows.reduce((a, r) => a + r.leakedTensors, 0), target: 0, op: '<=' },
  ],
};
await writeResult('human-models.json', result);
