// Saves one model over and over into argv[2] with { overwrite: true }; every weight of save i
// holds the value i (from argv[3]). Prints 'saving i' / 'saved i' around each save, so a parent
// can SIGKILL it inside saveModel. With argv[4] = 'once': one save without overwrite.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { saveModel } from '../../src/node.js';
import { identifiedModel } from './model.js';

tf.env().set('PROD', true);
await tf.setBackend('cpu');
const [target, start] = [process.argv[2], Number(process.argv[3])];
const model: tfl.LayersModel = identifiedModel(start);
if (process.argv[4] === 'once') {
  // One save without overwrite (the concurrent-claim check): prints 'ok' or the error code.
  try {
    await saveModel(model, target);
    process.stdout.write('ok\n');
  } catch (e) {
    process.stdout.write(`${(e as { code?: string }).code ?? 'untyped'}\n`);
  }
  process.exit(0);
}
for (let i = start; ; i++) {
  for (const w of model.weights) tf.tidy(() => w.write(tf.fill(w.shape as number[], i)));
  process.stdout.write(`saving ${i}\n`);
  await saveModel(model, target, { overwrite: true });
  process.stdout.write(`saved ${i}\n`);
}
