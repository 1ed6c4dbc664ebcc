// bench:ort's CenterNet rows: @vladmandic/human's CenterNet (the GraphModel issue's model, 512×512,
// float16 weights) exported to ONNX by graphModelToOnnx, dense and with 30% / 50% of every
// prunable group's channels removed by magnitude (no fine-tuning), on onnxruntime-node and
// onnxruntime-web: CPU-time speedups of interleaved pairs, detection agreement of each pruned file
// with the dense file on the object-detection example's held-out stills (same runtime), the dense
// export against tfjs, and prunekit's own pruned run (tfjs-wasm with prunekit's kernels) against the
// dense file on onnxruntime-web.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBackend } from '@prunekit/backend-wasm';
import type { Goal } from '@prunekit/core';
import { agreement } from '@prunekit/example-perception-object-detection/agreement';
import {
  type Detection,
  decodeDetections,
  STREET_CLASSES,
} from '@prunekit/example-perception-object-detection/detections';
import {
  centernetPath,
  decodeImage,
  OPENCV_HELD_OUT_STILLS,
  opencvDataDir,
  toInput,
} from '@prunekit/example-perception-object-detection/photos';
import {
  analyzeGraphChannels,
  buildGraphModelGraph,
  graphModelBytes,
  type GraphModelSource,
  planChannelRemoval,
  removeGraphChannels,
  toTfGraphModel,
} from '@prunekit/graph-model';
import { loadGraphModelFile } from '@prunekit/graph-model/node';
import { graphModelToOnnx } from '@prunekit/onnx';
import { magnitude } from '@prunekit/scorers';
import * as tf from '@tensorflow/tfjs-core';
import { timePaired } from './kernels/paired.js';
import { maxDiff, openSession, RUNTIMES, type Runner, type Runtime } from './ort_runtimes.js';

const SHAPE = [1, 512, 512, 3];
const RATIOS = [0.3, 0.5];
const OUTPUTS = ['tower_0/wh', 'tower_0/keypoints', 'tower_0/detections'];

interface Variant {
  readonly ratio: number;
  readonly source: GraphModelSource;
  readonly onnx: Uint8Array;
  readonly macs: number;
}

async function variant(source: GraphModelSource, ratio: number): Promise<Variant> {
  const graph = await buildGraphModelGraph(source);
  try {
    if (graph.outputs.join() !== OUTPUTS.join())
      throw new Error(`CenterNet outputs are ${graph.outputs.join()}`);
    return {
      ratio,
      source,
      onnx: graphModelToOnnx(graph),
      macs: graph.nodes.reduce((a, n) => a + n.macs, 0),
    };
  } finally {
    graph.dispose();
  }
}

const detections = (out: Float32Array[]): Detection[] => {
  const t = tf.tensor(out[2], [1, 100, 6]);
  try {
    return decodeDetections(t);
  } finally {
    t.dispose();
  }
};

/** CenterNet rows and goals; `quick` times fewer pairs on fewer photos. */
export async function centernetRows(quick: boolean) {
  if ((await startBackend('wasm')) !== 'wasm' || tf.getBackend() !== 'wasm')
    throw new Error('tfjs is not on wasm');
  const reps = quick ? 4 : 12;
  const dense = await loadGraphModelFile(centernetPath());
  const graph = await buildGraphModelGraph(dense);
  const analysis = analyzeGraphChannels(graph);
  graph.dispose();
  const variants = [await variant(dense, 0)];
  for (const ratio of RATIOS) {
    const removal = await planChannelRemoval(analysis, { scorer: magnitude(), ratio });
    variants.push(await variant(removeGraphChannels(analysis, removal), ratio));
  }
  const stills = quick ? OPENCV_HELD_OUT_STILLS.slice(0, 2) : OPENCV_HELD_OUT_STILLS;
  const photos = stills.map((f) => {
    const t = toInput(decodeImage(new Uint8Array(readFileSync(join(opencvDataDir(), f))), f));
    const x = t.dataSync() as Float32Array;
    t.dispose();
    return x;
  });

  // The dense export against tfjs (wasm) on the first photo: wh and keypoints, relative to their scale.
  const tfDense = await toTfGraphModel(dense);
  const ref = tf.tidy(() =>
    (tfDense.execute(tf.tensor(photos[0], SHAPE), OUTPUTS) as tf.Tensor[]).map(
      (t) => t.dataSync() as Float32Array,
    ),
  );
  tfDense.dispose();
  const scale = Math.max(...ref.slice(0, 2).map((a) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));

  const rows: Record<string, unknown>[] = [];
  const vsTfjs: Record<string, number> = {};
  const sessions = new Map<string, { run: Runner; release: () => Promise<void> }>();
  for (const runtime of RUNTIMES) {
    for (const v of variants)
      sessions.set(`${runtime}/${v.ratio}`, await openSession(runtime, v.onnx, SHAPE));
    const run = (ratio: number) => sessions.get(`${runtime}/${ratio}`)!.run;
    vsTfjs[runtime] = maxDiff(ref.slice(0, 2), (await run(0)(photos[0])).slice(0, 2)) / scale;
    const denseDets: Detection[][] = [];
    for (const x of photos) denseDets.push(detections(await run(0)(x)));
    for (const v of variants.slice(1)) {
      const prunedDets: Detection[][] = [];
      for (const x of photos) prunedDets.push(detections(await run(v.ratio)(x)));
      const a = agreement(denseDets, prunedDets, STREET_CLASSES).all;
      const t = await timePaired(
        () => run(0)(photos[0]),
        () => run(v.ratio)(photos[0]),
        reps,
      );
      rows.push({
        model: 'centernet',
        runtime,
        ratio: v.ratio,
        dense_ms: t.aCpuMs,
        pruned_ms: t.bCpuMs,
        speedup: t.cpuRatio,
        wall_speedup: t.ratio,
        macs_reduction: variants[0].macs / v.macs,
        bytes_dense: variants[0].onnx.length,
        bytes_pruned: v.onnx.length,
        dense_boxes: a.denseBoxes,
        pruned_boxes: a.prunedBoxes,
        detection_f1_vs_dense: a.f1,
      });
      process.stderr.write(
        `centernet ${runtime} r${v.ratio}: ${t.cpuRatio.toFixed(2)}x (dense ${t.aCpuMs.toFixed(0)} ms, pruned ${t.bCpuMs.toFixed(0)} ms), F1 vs dense ${a.f1?.toFixed(3)} (${a.denseBoxes} → ${a.prunedBoxes} boxes)\n`,
      );
    }
  }

  // prunekit's pruned model on tfjs-wasm (prunekit's kernels) vs the dense export on ORT-web.
  const best = variants[variants.length - 1];
  const tfPruned = await toTfGraphModel(best.source);
  const input = tf.tensor(photos[0], SHAPE);
  const web = sessions.get(`ort-web-wasm/0`)!.run;
  const own = await timePaired(
    () => web(photos[0]),
    () => {
      const out = tfPruned.execute(input, OUTPUTS) as tf.Tensor[];
      for (const o of out) o.dataSync();
      tf.dispose(out);
    },
    reps,
  );
  input.dispose();
  tfPruned.dispose();
  await Promise.all([...sessions.values()].map((s) => s.release()));
  process.stderr.write(
    `prunekit tfjs-wasm r${best.ratio} vs dense ORT-web: ${own.cpuRatio.toFixed(2)}x (ORT-web dense ${own.aCpuMs.toFixed(0)} ms, tfjs-wasm pruned ${own.bCpuMs.toFixed(0)} ms)\n`,
  );
  const at = (runtime: Runtime, ratio: number) =>
    rows.find((r) => r.runtime === runtime && r.ratio === ratio)!;
  rows.push({
    model: 'centernet',
    runtime: 'tfjs-wasm (prunekit) vs ort-web-wasm dense',
    ratio: best.ratio,
    dense_ms: own.aCpuMs,
    pruned_ms: own.bCpuMs,
    speedup: own.cpuRatio,
    wall_speedup: own.ratio,
  });
  const goals: Goal[] = [
    { name: 'ort_pruned_speedup', value: at('ort-node', 0.5).speedup as number, target: 1.5, op: '>=' },
    {
      name: 'ortweb_pruned_speedup',
      value: at('ort-web-wasm', 0.5).speedup as number,
      target: 1.5,
      op: '>=',
    },
    {
      name: 'detection_f1_vs_dense',
      value: (at('ort-web-wasm', 0.5).detection_f1_vs_dense as number | null) ?? Number.NaN,
      target: 0.9,
      op: '>=',
    },
    { name: 'prunekit_over_ortweb_dense', value: own.cpuRatio, target: 1, op: '>=' },
    {
      name: 'centernet_onnx_vs_tfjs_rel',
      value: Math.max(...Object.values(vsTfjs)),
      target: 1e-4,
      op: '<=',
    },
    {
      name: 'centernet_onnx_over_graph_model_bytes',
      value: variants[0].onnx.length / graphModelBytes(dense),
      target: 1.1,
      op: '<=',
    },
  ];
  const env = {
    centernet_photos: stills,
    centernet_onnx_vs_tfjs_rel: vsTfjs,
    centernet_goal_rows: {
      ort_pruned_speedup: 'centernet, ort-node, ratio 0.5',
      ortweb_pruned_speedup: 'centernet, ort-web-wasm, ratio 0.5',
      detection_f1_vs_dense:
        "centernet ratio 0.5 vs dense, both on ort-web-wasm, boxes at score ≥ 0.3 after NMS, street classes, IoU ≥ 0.5 (the object-detection example's agreement); no fine-tuning",
      prunekit_over_ortweb_dense:
        'dense CenterNet on ort-web-wasm CPU time / prunekit-pruned (ratio 0.5) CenterNet on tfjs-wasm with prunekit kernels CPU time, same input, interleaved',
      centernet_onnx_vs_tfjs_rel:
        'max |ORT − tfjs| / max |tfjs| over wh and keypoints of the dense export, first photo',
    },
  };
  return { rows, goals, env };
}
