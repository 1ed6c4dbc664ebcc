// onnxruntime-node's native dense CPU MatMul on the benchmark shape: the outside reference.
import * as ort from 'onnxruntime-node';
import { timePaired } from './paired.js';
import { onnxMatMulModel } from './onnx_matmul.js';

export interface OrtTiming {
  threads: number | 'default';
  ms: number;
  /** prunekit's wall time, interleaved with ORT's runs. */
  oursMs: number;
  /** Median per-pair wall-time ratio prunekit / ORT. */
  oursOverOrt: number;
  ortCpuMs: number;
  oursCpuMs: number;
  /** Median per-pair CPU-time ratio prunekit / ORT (meaningful for single-threaded ORT). */
  oursOverOrtCpu: number;
  maxAbsDiff: number;
}

/** Median ms of A·B in onnxruntime (per thread setting) and its largest difference from `reference`. */
export async function timeOrtMatMul(
  a: Float32Array,
  b: Float32Array,
  [m, k, n]: readonly [number, number, number],
  reference: Float32Array,
  reps: number,
  threads: readonly (number | 'default')[],
  ours: () => void,
): Promise<OrtTiming[]> {
  const model = onnxMatMulModel(m, k, n);
  const out: OrtTiming[] = [];
  for (const th of threads) {
    const session = await ort.InferenceSession.create(
      model,
      th === 'default' ? {} : { intraOpNumThreads: th, interOpNumThreads: 1 },
    );
    const feeds = { A: new ort.Tensor('float32', a, [m, k]), B: new ort.Tensor('float32', b, [k, n]) };
    let c: Float32Array = new Float32Array(0);
    const t = await timePaired(
      ours,
      async () => {
        c = (await session.run(feeds)).C.data as Float32Array;
      },
      reps,
    );
    let maxAbsDiff = 0;
    for (let i = 0; i < c.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(c[i] - reference[i]));
    out.push({
      threads: th,
      ms: t.bMs,
      oursMs: t.aMs,
      oursOverOrt: t.ratio,
      ortCpuMs: t.bCpuMs,
      oursCpuMs: t.aCpuMs,
      oursOverOrtCpu: t.cpuRatio,
      maxAbsDiff,
    });
    await session.release();
  }
  return out;
}
