/**
 * The README's by-hand example: load the baseline, remove 2x of its MACs by channel pruning, fine-tune
 * briefly with distillation, compare ADE. Run: npx tsx --conditions=source src/by_hand.ts
 */
import { computeMetrics } from '@prunekit/core';
import { startBackend } from '@prunekit/example-kit';
import { buildGraph } from '@prunekit/layers';
import { loadModel } from '@prunekit/layers/node';
import { disposeSplit, toSplit } from './data.js';
import { evaluateConstantVelocity, evaluateModel } from './evaluate.js';
import { DEFAULT_PARAMS as P } from './sim/params.js';
import { generateSamples } from './sim/samples.js';
import { pruneToMacs } from './structured.js';
import { train } from './train.js';

await startBackend('wasm'); // 'wasm'
const split = (n: number, seed: number) =>
  toSplit(generateSamples(P, { samples: n, seed, neighbours: 4 }), P.dt);
const [tune, val, test] = [split(4000, 1), split(1000, 2), split(2000, 3)];
const model = await loadModel(new URL('../model/model.json', import.meta.url).pathname);
const small = await pruneToMacs(model, { target: 2, scope: 'global', roundTo: 4, seed: 0 });
const macs = (m: typeof model) => computeMetrics(buildGraph(m)).macs;
console.log(`MACs ${macs(model)} → ${macs(small.model)} (channel ratio ${small.ratio})`);
console.log('constant velocity', evaluateConstantVelocity(test));
console.log('baseline', evaluateModel(model, test));
console.log('pruned', evaluateModel(small.model, test));
const cfg = { epochs: 2, batchSize: 256, lr: 1e-3, teacher: model, distill: 0.5, seed: 0 };
await train(small.model, tune, val, cfg, console.log, 'fine-tune');
console.log('pruned + fine-tuned', evaluateModel(small.model, test));
for (const s of [tune, val, test]) disposeSplit(s);
