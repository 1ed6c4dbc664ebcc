// tfjs-wasm's own convolutions against prunekit's routed ones on the case the wrapper serves
// ('same' padding, a stride larger than the kernel): 200 seeded shapes, max |wasm − cpu| of each.
// Run: node_modules/.bin/tsx packages/backend-wasm/scripts/same_pad_conv_check.ts (from the root).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { createRng } from '@prunekit/core';
import {
  originalInferKernel,
  registerInferKernels,
  samePadConvKernels,
  strideOverKernelSamePad,
} from '../src/infer/index.js';

tf.env().set('PROD', true);
registerInferKernels();
await tf.setBackend('wasm');
await tf.ready();
const rng = createRng(7);
const worst: Record<string, [number, number]> = {};
let n = 0,
  cases = 0;
while (cases < 200) {
  const { name, depthwise } = samePadConvKernels[n++ % 4];
  const h = 1 + rng.int(12),
    w = 1 + rng.int(12),
    cin = 1 + rng.int(5),
    cout = 1 + rng.int(depthwise ? 2 : 6);
  const k = [1 + rng.int(3), 1 + rng.int(3)],
    strides: [number, number] = [1 + rng.int(4), 1 + rng.int(4)];
  const f = [...k, cin, cout];
  if (!strideOverKernelSamePad([1, h, w, cin], f, { strides, pad: 'same', dilations: 1 }, depthwise))
    continue;
  cases++;
  const xv = Float32Array.from({ length: 2 * h * w * cin }, () => rng.normal());
  const fv = Float32Array.from({ length: f.reduce((a, b) => a * b, 1) }, () => rng.normal());
  const c = depthwise ? cin * cout : cout;
  const bv = Float32Array.from({ length: c }, () => rng.normal());
  const attrs: Record<string, unknown> = {
    strides,
    pad: 'same',
    dilations: [1, 1],
    dataFormat: 'NHWC',
    activation: 'linear',
  };
  const run = async (backend: string, original: boolean) => {
    await tf.setBackend(backend);
    const ins: Record<string, tf.Tensor> = { x: tf.tensor(xv, [2, h, w, cin]), filter: tf.tensor(fv, f) };
    if (name.startsWith('Fused')) ins.bias = tf.tensor(bv, [c]);
    let out: tf.Tensor;
    if (original) {
      const info = originalInferKernel(name)!.kernelFunc({
        inputs: ins as never,
        backend: tf.backend() as never,
        attrs: attrs as never,
      }) as tf.TensorInfo;
      out = tf.engine().makeTensorFromTensorInfo(info);
    } else out = tf.engine().runKernel(name, ins as never, attrs as never) as tf.Tensor;
    const v = Float32Array.from(out.dataSync());
    tf.dispose([out, ...Object.values(ins)]);
    return v;
  };
  const ref = await run('cpu', false);
  const routed = await run('wasm', false);
  const orig = await run('wasm', true);
  const d = (a: Float32Array) => Math.max(...a.map((v, i) => Math.abs(v - ref[i])));
  const [o, r] = worst[name] ?? [0, 0];
  worst[name] = [Math.max(o, d(orig)), Math.max(r, d(routed))];
}
console.log(JSON.stringify({ cases, backend: tf.getBackend(), worst_original_vs_routed: worst }));
