import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';

/** Which ONNX Runtime runs a test's model: onnxruntime-node's CPU provider or onnxruntime-web's wasm. */
export type OrtRuntime = 'node' | 'web';

/** Every output of an ONNX model on `x` (its one input, float32 or int32), single-threaded on `runtime`. */
export async function runOrt(
  bytes: Uint8Array,
  x: Float32Array | Int32Array,
  shape: readonly number[],
  runtime: OrtRuntime = 'node',
): Promise<Float32Array[]> {
  ortWeb.env.wasm.numThreads = 1;
  const ort = (runtime === 'node' ? ortNode : ortWeb) as unknown as typeof ortNode;
  const session = await ort.InferenceSession.create(
    bytes,
    runtime === 'node' ? { intraOpNumThreads: 1, interOpNumThreads: 1 } : { executionProviders: ['wasm'] },
  );
  try {
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor(x instanceof Int32Array ? 'int32' : 'float32', x, [...shape]) });
    return session.outputNames.map((n) => out[n].data as Float32Array);
  } finally {
    await session.release();
  }
}

/** Largest |a − b| over outputs of the same sizes. */
export function maxDiff(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  if (a.length !== b.length) throw new Error(`${a.length} vs ${b.length} outputs`);
  let d = 0;
  a.forEach((x, i) => {
    if (x.length !== b[i].length) throw new Error(`output ${i}: ${x.length} vs ${b[i].length} values`);
    for (let j = 0; j < x.length; j++) d = Math.max(d, Math.abs(x[j] - b[i][j]));
  });
  return d;
}

/** Largest |value| over outputs (for relative tolerances). */
export const maxAbs = (a: readonly Float32Array[]) =>
  a.reduce((m, x) => x.reduce((n, v) => Math.max(n, Math.abs(v)), m), 0);
