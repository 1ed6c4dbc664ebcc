import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers gradients
import { useBackend } from '@prunekit/backend-wasm';
import { randomGraphModel } from '@prunekit/test-utils';
import { graphModelSource, toTfGraphModel } from './src/index.ts';
tf.env().set('PROD', true);
await useBackend();
console.log(tf.getBackend());
const r = randomGraphModel(3, { fused: true });
const src = graphModelSource(r.json, r.weightData);
const m = await toTfGraphModel(src);
const wm = (m as any).executor.weightMap as Record<string, tf.Tensor[]>;
console.log(m.weights === wm, Object.keys(wm).length);
const vars: tf.Variable[] = [];
for (const [k, v] of Object.entries(wm)) {
  if (v[0].dtype !== 'float32' || v[0].size < 2) continue;
  const variable = tf.variable(v[0], true, `gm/${k}`);
  v[0].dispose();
  wm[k] = [variable];
  vars.push(variable);
}
tf.env().set('KEEP_INTERMEDIATE_TENSORS', false);
const x = tf.randomUniform([...r.inputShape], -1, 1, 'float32', 1);
const before = tf.memory().numTensors;
for (let i = 0; i < 3; i++) {
  const { value, grads } = tf.variableGrads(() => {
    const y = [].concat(m.execute(x) as any) as tf.Tensor[];
    return tf.addN(y.map((t) => tf.mean(tf.square(t)))) as tf.Scalar;
  }, vars);
  console.log(i, value.dataSync()[0], Object.keys(grads).length, tf.memory().numTensors - before);
  for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.1)));
  tf.dispose([value, ...Object.values(grads)]);
}
console.log(r.blocks.join(' '));
