/**
 * The README's by-hand example: load the baseline, prune its neurons under the brake-recall guard,
 * and drive it in the simulator. Run: npx tsx --conditions=source src/by_hand.ts
 */
import { buildGraph } from '@prunekit/layers';
import { loadModel } from '@prunekit/layers/node';
import { guard, guardedChannelPrune } from '@prunekit/pruners';
import { magnitude } from '@prunekit/scorers';
import { startBackend } from '@prunekit/example-kit';
import { closedLoop, modelPolicy } from './closed_loop.js';
import { toSplit } from './data.js';
import { evaluateOffline } from './evaluate.js';
import { generateDemonstrations } from './sim/dataset.js';
import { DEFAULT_PARAMS } from './sim/params.js';

await startBackend('wasm'); // 'wasm'
const val = toSplit(generateDemonstrations(DEFAULT_PARAMS, { samples: 4000, seed: 3 }));
const model = await loadModel(new URL('../model/model.json', import.meta.url).pathname);
const brake = guard({
  metric: 'brake_recall',
  maxDrop: 0.02,
  evaluate: (m) => evaluateOffline(m, val).brakeRecall,
});
// Recall alone can be gamed (a policy that brakes everywhere has a perfect one): guard agreement too.
const agreement = guard({
  metric: 'agreement',
  maxDrop: 0.01,
  evaluate: (m) => evaluateOffline(m, val).agreement,
});
const { model: small, log } = await guardedChannelPrune(
  buildGraph(model),
  { scorer: magnitude({ p: 2, reduction: 'mean', normalizer: 'mean' }), ratio: 0.25 },
  [brake, agreement],
);
for (const s of log.steps)
  console.log(
    `${s.id}: ${s.accepted ? 'kept' : 'rolled back'}`,
    s.checks.map((c) => `${c.metric} ${c.value.toFixed(3)}`).join(', '),
  );
console.log('before', evaluateOffline(model, val), 'after (no fine-tune)', evaluateOffline(small, val));
console.log(closedLoop(modelPolicy(small), DEFAULT_PARAMS, { worlds: 4, steps: 200, seed: 1 }));
