// bench:ort — channel-pruned ONNX models vs their dense originals on ONNX Runtime, side by side in
// one run on onnxruntime-node (native CPU) and onnxruntime-web (its wasm backend, in Node):
// CenterNet (a tfjs graph model, exported by graphModelToOnnx; see ort_centernet.ts) and the
// torchvision MobileNetV3-Small / ResNet-18 exports of @prunekit/onnx's tests, 30% and 50% of every
// group's channels removed by magnitude. Single-threaded sessions, CPU-time medians of interleaved
// pairs. `pnpm bench:ort [--quick]`.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { computeMetrics, createRng, type Goal } from '@prunekit/core';
import {
  analyzeOnnxChannels,
  buildOnnxGraph,
  planChannelRemoval,
  removeOnnxChannels,
  zeroOnnxChannels,
} from '@prunekit/onnx';
import { magnitude } from '@prunekit/scorers';
import { timePaired } from './kernels/paired.js';
import { centernetRows } from './ort_centernet.js';
import { maxDiff, openSession, RUNTIMES } from './ort_runtimes.js';
import { envInfo, quick, writeResult } from './util.js';

const MODELS = ['resnet18_w025', 'mobilenet_v3_small_w050'] as const;
const RATIOS = [0.3, 0.5];
const SHAPE = [1, 3, 96, 96];
const reps = quick ? 8 : 30;

async function main() {
  const load0 = loadavg()[0];
  const centernet = await centernetRows(quick);
  const rng = createRng(5);
  const x = Float32Array.from({ length: SHAPE.reduce((a, d) => a * d, 1) }, () => rng.normal());
  const rows: Record<string, unknown>[] = [];
  for (const name of MODELS) {
    const file = join(import.meta.dirname, '..', '..', 'packages', 'onnx', 'test', 'models', `${name}.onnx`);
    const bytes = new Uint8Array(readFileSync(file));
    const graph = buildOnnxGraph(bytes, { label: name });
    const analysis = analyzeOnnxChannels(graph);
    const dense = computeMetrics(graph);
    for (const ratio of RATIOS) {
      const removal = await planChannelRemoval(analysis, { scorer: magnitude(), ratio });
      const pruned = removeOnnxChannels(analysis, removal);
      const masked = zeroOnnxChannels(analysis, removal);
      const small = buildOnnxGraph(pruned, { label: `${name}-${ratio}` });
      const macs = computeMetrics(small).macs;
      small.dispose();
      for (const runtime of RUNTIMES) {
        const d = await openSession(runtime, bytes, SHAPE);
        const p = await openSession(runtime, pruned, SHAPE);
        const m = await openSession(runtime, masked, SHAPE);
        const diff = maxDiff(await p.run(x), await m.run(x));
        const t = await timePaired(
          () => d.run(x),
          () => p.run(x),
          reps,
        );
        rows.push({
          model: name,
          runtime,
          ratio,
          dense_ms: t.aCpuMs,
          pruned_ms: t.bCpuMs,
          speedup: t.cpuRatio,
          wall_speedup: t.ratio,
          macs_reduction: dense.macs / macs,
          bytes_dense: bytes.length,
          bytes_pruned: pruned.length,
          max_abs_pruned_vs_masked: diff,
        });
        await Promise.all([d.release(), p.release(), m.release()]);
        process.stderr.write(
          `${name} ${runtime} r${ratio}: ${t.cpuRatio.toFixed(2)}x (dense ${t.aCpuMs.toFixed(1)} ms, pruned ${t.bCpuMs.toFixed(1)} ms)\n`,
        );
      }
    }
    graph.dispose();
  }
  const at = (model: string, runtime: string, ratio: number) =>
    rows.find((r) => r.model === model && r.runtime === runtime && r.ratio === ratio)!;
  const goals: Goal[] = [
    ...centernet.goals,
    {
      name: 'resnet18_ort_pruned_speedup',
      value: at('resnet18_w025', 'ort-node', 0.5).speedup as number,
      target: 1.5,
      op: '>=',
    },
    {
      name: 'resnet18_ortweb_pruned_speedup',
      value: at('resnet18_w025', 'ort-web-wasm', 0.5).speedup as number,
      target: 1.5,
      op: '>=',
    },
    {
      name: 'pruned_equals_masked_max_abs',
      value: Math.max(...rows.map((r) => r.max_abs_pruned_vs_masked as number)),
      target: 1e-4,
      op: '<=',
    },
  ];
  await writeResult({
    name: 'ort',
    env: envInfo('onnxruntime', {
      quick,
      threads: 1,
      input: { torchvision: SHAPE, centernet: '[1, 512, 512, 3] NHWC, photo pixels 0..255' },
      models:
        'CenterNet (@vladmandic/human 3.3.6, 512×512, exported by graphModelToOnnx); torchvision exports with random weights (packages/onnx/scripts/export_torchvision.py) at 96×96: ResNet-18 at quarter width, MobileNetV3-Small at width 0.5',
      speedup:
        'median over interleaved rounds of dense CPU time / pruned CPU time per inference (single-threaded sessions); wall_speedup the same in wall time',
      goal_rows: {
        ...centernet.env.centernet_goal_rows,
        resnet18_ort_pruned_speedup: 'resnet18_w025, ort-node, ratio 0.5',
        resnet18_ortweb_pruned_speedup: 'resnet18_w025, ort-web-wasm, ratio 0.5',
      },
      centernet_photos: centernet.env.centernet_photos,
      centernet_onnx_vs_tfjs_rel: centernet.env.centernet_onnx_vs_tfjs_rel,
      loadavg_start: load0,
      loadavg_end: loadavg()[0],
    }),
    rows: [...centernet.rows, ...rows],
    goals,
  });
}

await main();
