// Structured pruning benchmark: MACs reduction vs measured wasm latency speedup of channel-pruned
// ResNet-style and MobileNetV2-style models (same run, medians of interleaved rounds), each model
// run as trained (BatchNormalization layers) and through foldBatchNorm (dense and pruned alike);
// MobileNetV2 under two channelPruner policies (uniform, and inner-depthwise via `ignore`). Also
// prunekit's wasm FusedBatchNorm against tfjs-wasm's, and the time and peak memory of building
// the graph and pruning a ResNet-50-sized model by 50% (global ranking).
import { type Goal, type ModelGraph, computeMetrics, median } from '@prunekit/core';
import { inferKernelConfigs, originalInferKernel, startBackend } from '@prunekit/backend-wasm';
import { analyzeChannels, buildGraph, foldBatchNorm } from '@prunekit/layers';
import { channelPruner } from '@prunekit/pruners';
import { magnitude } from '@prunekit/scorers';
import { seedWeights } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadavg } from 'node:os';
import { mobilenetV2, resnet } from './models.js';
import { envInfo, quick, writeResult } from './util.js';

tf.env().set('PROD', true);
const RATIOS = [0.25, 0.5, 0.75];

function totalMacs(model: tfl.LayersModel): number {
  return buildGraph(model).nodes.reduce((a, n) => a + n.macs, 0);
}

interface Timing {
  /** Median wall time (ms) of the reference and of each model. */
  readonly refMs: number;
  readonly ms: number[];
  /** Median over rounds of (reference wall time around the model) / (model wall time). */
  readonly speedups: number[];
  /** The same three from the process's CPU time per inference (user + system). */
  readonly refCpuMs: number;
  readonly cpuMs: number[];
  readonly cpuSpeedups: number[];
}

interface Sample {
  wall: number;
  cpu: number;
}

/**
 * Times `models` against `reference` in interleaved rounds: each round runs the reference, every
 * model, and the reference again, so a model's speedup is taken against the reference measured
 * around it (the mean of the two) — load drift from other processes hits both alike. Medians over
 * rounds, of wall time and of the process's CPU time (wasm runs single-threaded here, so CPU time
 * per inference is the latency on an idle core; wall time on a loaded machine adds the wait for one).
 */
function timeAgainst(
  reference: tfl.LayersModel,
  models: tfl.LayersModel[],
  x: tf.Tensor,
  reps: number,
): Timing {
  const run = (m: tfl.LayersModel): Sample => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const y = m.predict(x) as tf.Tensor;
    y.dataSync();
    y.dispose();
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return { wall, cpu: (c.user + c.system) / 1000 };
  };
  for (const m of [reference, ...models]) for (let i = 0; i < 3; i++) run(m);
  const ref: Sample[] = [];
  const times: Sample[][] = models.map(() => []);
  const ratios: Sample[][] = models.map(() => []);
  for (let r = 0; r < reps; r++) {
    const before = run(reference);
    const t = models.map(run);
    const after = run(reference);
    ref.push(before, after);
    t.forEach((s, i) => {
      times[i].push(s);
      ratios[i].push({
        wall: (before.wall + after.wall) / 2 / s.wall,
        cpu: (before.cpu + after.cpu) / 2 / s.cpu,
      });
    });
  }
  const med = (xs: Sample[], k: keyof Sample) => median(xs.map((s) => s[k]));
  return {
    refMs: med(ref, 'wall'),
    ms: times.map((t) => med(t, 'wall')),
    speedups: ratios.map((t) => med(t, 'wall')),
    refCpuMs: med(ref, 'cpu'),
    cpuMs: times.map((t) => med(t, 'cpu')),
    cpuSpeedups: ratios.map((t) => med(t, 'cpu')),
  };
}

/** Which channels a run prunes, as channelPruner options (`ignore`) a user would pass. */
interface Policy {
  readonly name: string;
  readonly detail: string;
  readonly ignore: (graph: ModelGraph) => string[];
}

const UNIFORM: Policy = {
  name: 'uniform',
  detail: 'every prunable group loses `ratio` of its channels (model output kept)',
  ignore: () => [],
};

/**
 * The inner channels of inverted residuals, the usual way to prune MobileNetV2: only groups whose
 * channels pass through a DepthwiseConv2D lose channels; every other group (the residual stream
 * between blocks, the head) is kept by passing its producing layers as channelPruner's `ignore`.
 */
const INNER: Policy = {
  name: 'inner-depthwise',
  detail:
    'ignore = the layers producing every group that reaches no DepthwiseConv2D, so only the expanded (depthwise) channels of each block lose `ratio`',
  ignore: (graph) => {
    const cls = new Map(graph.nodes.map((n) => [n.name, n.className]));
    const keep = new Set<string>();
    for (const g of analyzeChannels(graph).groups) {
      if (!g.members.some((m) => cls.get(m.node) === 'DepthwiseConv2D')) for (const r of g.roots) keep.add(r);
    }
    return [...keep];
  },
};

/** How the models are run: as trained (BN layers), or through foldBatchNorm (BN in conv weights). */
const FORMS = ['as-trained', 'bn-folded'] as const;
type Form = (typeof FORMS)[number];

/**
 * Prunes `model` under each policy and ratio, makes each form of the dense and every pruned model
 * (the same transform for all), and times them all round-robin in one run.
 */
async function speedRows(
  label: string,
  model: tfl.LayersModel,
  size: number,
  reps: number,
  policies: Policy[],
) {
  seedWeights(model, 7);
  const graph = buildGraph(model);
  const scorer = magnitude({ p: 2, reduction: 'mean' });
  const runs: { policy: Policy; ratio: number; ignored: number; model: tfl.LayersModel }[] = [];
  for (const policy of policies) {
    const ignore = policy.ignore(graph);
    for (const ratio of RATIOS) {
      const pruned = (await channelPruner(graph, { scorer, ratio, ignore }).run()).model;
      runs.push({ policy, ratio, ignored: ignore.length, model: pruned });
    }
  }
  const forms = new Map<Form, tfl.LayersModel[]>();
  const all = [model, ...runs.map((r) => r.model)];
  forms.set('as-trained', all);
  forms.set('bn-folded', await Promise.all(all.map((m) => foldBatchNorm(m))));
  const x = tf.randomNormal([1, size, size, 3], 0, 1, 'float32', 1);
  const rows: Record<string, unknown>[] = [];
  for (const form of FORMS) {
    const [dense, ...pruned] = forms.get(form)!;
    const timing = timeAgainst(dense, pruned, x, reps);
    const macs0 = totalMacs(dense);
    runs.forEach((run, i) => {
      const macs = totalMacs(pruned[i]);
      const macsReduction = macs0 / macs;
      const speedup = timing.cpuSpeedups[i];
      const wallSpeedup = timing.speedups[i];
      rows.push({
        model: label,
        policy: run.policy.name,
        policy_detail: run.policy.detail,
        form,
        ratio: run.ratio,
        ignored_layers: run.ignored,
        layers_before: dense.layers.length,
        layers_after: pruned[i].layers.length,
        params_before: dense.countParams(),
        params_after: pruned[i].countParams(),
        macs_before: macs0,
        macs_after: macs,
        macs_reduction: macsReduction,
        latency_cpu_ms_before: timing.refCpuMs,
        latency_cpu_ms_after: timing.cpuMs[i],
        latency_speedup: speedup,
        speedup_over_macs_reduction: speedup / macsReduction,
        wall_ms_before: timing.refMs,
        wall_ms_after: timing.ms[i],
        wall_speedup: wallSpeedup,
        wall_speedup_over_macs_reduction: wallSpeedup / macsReduction,
        reps,
      });
    });
  }
  x.dispose();
  const flat = FORMS.flatMap((f) => forms.get(f)!);
  for (const m of new Set(flat)) if (m !== model) m.dispose();
  model.dispose();
  return rows;
}

/**
 * prunekit's FusedBatchNorm for 'wasm' against tfjs-wasm's own, alone, on MobileNetV2-sized
 * activations (interleaved calls, medians). Both models of every speed row run with prunekit's.
 */
function batchNormKernelRows(reps: number) {
  const mine = inferKernelConfigs().find((k) => k.kernelName === 'FusedBatchNorm')!;
  const theirs = originalInferKernel('FusedBatchNorm')!;
  const backend = tf.backend();
  return [
    [1, 64, 64, 96],
    [1, 32, 32, 48],
    [1, 8, 8, 576],
  ].map((shape) => {
    const c = shape[3];
    const x = tf.randomNormal(shape, 0, 1, 'float32', 3);
    const p = [
      tf.randomNormal([c]),
      tf.randomUniform([c], 0.5, 2),
      tf.randomNormal([c]),
      tf.randomNormal([c]),
    ];
    const inputs = { x, mean: p[0], variance: p[1], offset: p[2], scale: p[3] };
    const call = (k: tf.KernelConfig) => {
      const t0 = performance.now();
      const out = k.kernelFunc({
        inputs,
        backend,
        attrs: { varianceEpsilon: 1e-3 },
      } as never) as tf.TensorInfo;
      const ms = performance.now() - t0;
      backend.disposeData(out.dataId);
      return ms;
    };
    const times: number[][] = [[], []];
    for (let i = 0; i < 3; i++) [theirs, mine].forEach(call);
    for (let r = 0; r < reps * 2; r++)
      [theirs, mine].forEach((k, i) => {
        times[i].push(call(k));
      });
    tf.dispose([x, ...p]);
    const [a, b] = times.map(median);
    return {
      kernel: 'FusedBatchNorm',
      shape,
      tfjs_wasm_ms: a,
      prunekit_ms: b,
      speedup: a / b,
      reps: reps * 2,
    };
  });
}

interface MemSample {
  rss: number;
  tfBytes: number;
}

/** Graph build + 50% global channel prune of a ResNet-50-sized model; seconds and peak memory. */
async function resnet50Prune() {
  const model = resnet({
    size: 224,
    widths: [64, 128, 256, 512],
    blocks: [3, 4, 6, 3],
    bottleneck: true,
    classes: 1000,
  });
  const params = model.countParams();
  const modelBytes = params * 4;
  (globalThis as { gc?: () => void }).gc?.();
  const sample = (): MemSample => ({ rss: process.memoryUsage().rss, tfBytes: tf.memory().numBytes });
  const base = sample();
  let peak = { ...base };
  const take = () => {
    const s = sample();
    peak = { rss: Math.max(peak.rss, s.rss), tfBytes: Math.max(peak.tfBytes, s.tfBytes) };
  };
  const timer = setInterval(take, 5);
  const t0 = performance.now();
  const graph = buildGraph(model);
  take();
  const pruner = channelPruner(graph, {
    scorer: magnitude({ p: 2, reduction: 'mean', normalizer: 'mean' }),
    ratio: 0.5,
    scope: 'global',
  });
  take();
  const plan = await pruner.plan();
  take();
  const res = await pruner.apply(plan);
  take();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  const after = res.model.countParams();
  const macsBefore = computeMetrics(graph).macs;
  const macsAfter = totalMacs(res.model);
  res.model.dispose();
  model.dispose();
  return {
    model: 'resnet50-sized',
    params_before: params,
    params_after: after,
    macs_before: macsBefore,
    macs_after: macsAfter,
    model_bytes: modelBytes,
    seconds,
    // Model + everything pruning added on top, at the highest sample, over the model's own bytes.
    peak_rss_over_model_bytes: (modelBytes + (peak.rss - base.rss)) / modelBytes,
    peak_tensor_bytes_over_model_bytes: peak.tfBytes / modelBytes,
    rss_base_mb: base.rss / 2 ** 20,
    rss_peak_mb: peak.rss / 2 ** 20,
  };
}

async function main() {
  const reps = quick ? 17 : 41;
  // The prune itself runs on the cpu backend (weights read in place, no copies out of a wasm heap).
  await startBackend('cpu');
  const big = await resnet50Prune();
  await startBackend('wasm');
  const rows: Record<string, unknown>[] = [];
  const load0 = loadavg()[0];
  const r18 = resnet({
    size: 96,
    widths: [64, 128, 256, 512],
    blocks: [2, 2, 2, 2],
    bottleneck: false,
    classes: 100,
  });
  rows.push(...(await speedRows('resnet18-style', r18, 96, reps, [UNIFORM])));
  rows.push(...(await speedRows('mobilenetv2-style', mobilenetV2(128, 100), 128, reps, [UNIFORM, INNER])));
  rows.push(...batchNormKernelRows(reps));
  rows.push({ ...big, backend: 'cpu' });
  const at = (model: string, policy: string, form: Form) =>
    rows.find((r) => r.model === model && r.policy === policy && r.form === form && r.ratio === 0.5)!;
  const goals: Goal[] = [
    {
      name: 'latency_over_macs_resnet_r50',
      value: at('resnet18-style', 'uniform', 'as-trained').speedup_over_macs_reduction as number,
      target: 0.8,
      op: '>=',
    },
    {
      name: 'latency_over_macs_mobilenetv2_r50',
      value: at('mobilenetv2-style', INNER.name, 'bn-folded').speedup_over_macs_reduction as number,
      target: 0.8,
      op: '>=',
    },
    { name: 'resnet50_prune_seconds', value: big.seconds, target: 10, op: '<=' },
    {
      name: 'resnet50_peak_memory_over_model_bytes',
      value: big.peak_rss_over_model_bytes,
      target: 3,
      op: '<=',
    },
  ];
  await writeResult({
    name: 'structured',
    env: envInfo('wasm', {
      quick,
      prune_backend: 'cpu',
      threads: 1,
      speedup:
        'median over interleaved rounds of (dense time around the model, same round) / (model time); latency_* = process CPU time per inference (wasm single-threaded: the latency on an idle core), wall_* = wall-clock time, which on this loaded 2-core machine mostly measures the wait for a core',
      mobilenetv2_r50_speedup_over_macs: Object.fromEntries(
        rows
          .filter((r) => r.model === 'mobilenetv2-style' && r.ratio === 0.5)
          .map((r) => [`${r.policy}/${r.form}`, r.speedup_over_macs_reduction]),
      ),
      goal_rows: {
        latency_over_macs_resnet_r50: 'resnet18-style, policy uniform, form as-trained, ratio 0.5',
        latency_over_macs_mobilenetv2_r50: `mobilenetv2-style, policy ${INNER.name}, form bn-folded (dense and pruned both folded), ratio 0.5; the uniform-policy rows are listed alongside`,
      },
      loadavg_start: load0,
      loadavg_end: loadavg()[0],
    }),
    rows,
    goals,
  });
}

await main();
