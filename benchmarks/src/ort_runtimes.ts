// The two ONNX runtimes bench:ort compares, behind one small interface: onnxruntime-node (native
// CPU) and onnxruntime-web (its wasm backend, in Node), both single-threaded.
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';

/** Every output of one run, in the session's output order. */
export type Runner = (x: Float32Array) => Promise<Float32Array[]>;

export type Runtime = 'ort-node' | 'ort-web-wasm';
export const RUNTIMES: readonly Runtime[] = ['ort-node', 'ort-web-wasm'];

/** A single-threaded session of `runtime` on the ONNX file, fed one float32 input of `shape`. */
export async function openSession(
  runtime: Runtime,
  bytes: Uint8Array,
  shape: readonly number[],
): Promise<{ run: Runner; release: () => Promise<void> }> {
  ortWeb.env.wasm.numThreads = 1;
  const ort = (runtime === 'ort-node' ? ortNode : ortWeb) as unknown as typeof ortNode;
  const s = await ort.InferenceSession.create(
    bytes,
    runtime === 'ort-node'
      ? { intraOpNumThreads: 1, interOpNumThreads: 1 }
      : { executionProviders: ['wasm'] },
  );
  return {
    run: async (x) => {
      const out = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', x, [...shape]) });
      return s.outputNames.map((n) => out[n].data as Float32Array);
    },
    release: () => s.release(),
  };
}

/** Largest |a − b| over the outputs. */
export const maxDiff = (a: readonly Float32Array[], b: readonly Float32Array[]) =>
  a.reduce((m, x, i) => x.reduce((n, v, j) => Math.max(n, Math.abs(v - b[i][j])), m), 0);
