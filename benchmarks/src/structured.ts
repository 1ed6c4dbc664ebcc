// Structured pruning benchmark: MACs reduction vs measured wasm latency speedup of channel-pruned
// ResNet-style and MobileNetV2-style models (same run, medians), and the time and peak memory of
// building the graph and pruning a ResNet-50-sized model by 50% (global ranking).
import { type Goal, computeMetrics, median } from '@prunekit/core';
import { useBackend } from '@prunekit/backend-wasm';
import { buildGraph } from '@prunekit/layers';
import { channelPruner } from '@prunekit/pruners';
import { magnitude } from '@prunekit/scorers';
import { seedWeights } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadavg } from 'node:os';
import { envInfo, quick, writeResult } from './util.js';

tf.env().set('PROD', true);
type T = tfl.SymbolicTensor;
const RATIOS = [0.25, 0.5, 0.75];

class Net {
  private n = 0;
  /** Inference form: BN folded into the conv (bias), activation fused into the conv kernel. */
  constructor(readonly folded = false) {}
  name(k: string) {
    return `${k}${this.n++}`;
  }
  conv(x: T, filters: number, k: number, strides = 1, act: 'relu' | 'relu6' | 'linear' = 'linear'): T {
    return tfl.layers
      .conv2d({
        filters,
        kernelSize: k,
        strides,
        padding: 'same',
        useBias: this.folded,
        activation: act,
        name: this.name('conv'),
      })
      .apply(x) as T;
  }
  dw(x: T, strides: number, act: 'relu6' | 'linear'): T {
    return tfl.layers
      .depthwiseConv2d({
        kernelSize: 3,
        strides,
        padding: 'same',
        useBias: this.folded,
        activation: act,
        name: this.name('dw'),
      })
      .apply(x) as T;
  }
  /** conv → BN → activation, or in folded form one conv with bias and fused activation. */
  cba(x: T, filters: number, k: number, strides = 1, act: 'relu' | 'relu6' | 'linear' = 'linear'): T {
    if (this.folded) return this.conv(x, filters, k, strides, act);
    const y = this.bn(this.conv(x, filters, k, strides));
    return act === 'linear' ? y : this.relu(y, act === 'relu6' ? 6 : undefined);
  }
  dba(x: T, strides: number): T {
    if (this.folded) return this.dw(x, strides, 'relu6');
    return this.relu(this.bn(this.dw(x, strides, 'linear')), 6);
  }
  bn(x: T): T {
    return tfl.layers.batchNormalization({ name: this.name('bn') }).apply(x) as T;
  }
  relu(x: T, max?: number): T {
    return tfl.layers.reLU({ maxValue: max, name: this.name('relu') }).apply(x) as T;
  }
  add(a: T, b: T): T {
    return tfl.layers.add({ name: this.name('add') }).apply([a, b]) as T;
  }
  head(x: T, classes: number): T {
    const g = tfl.layers.globalAveragePooling2d({ name: this.name('gap') }).apply(x) as T;
    return tfl.layers.dense({ units: classes, name: 'logits' }).apply(g) as T;
  }
}

/** ResNet with basic blocks (ResNet-18/34 style) or bottleneck blocks (ResNet-50 style). */
function resnet(opts: {
  size: number;
  widths: number[];
  blocks: number[];
  bottleneck: boolean;
  classes: number;
  folded?: boolean;
}): tfl.LayersModel {
  const b = new Net(opts.folded);
  const input = tfl.input({ shape: [opts.size, opts.size, 3], name: 'input' });
  let x = b.cba(input, opts.widths[0], 7, 2, 'relu');
  x = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'pool' }).apply(x) as T;
  opts.widths.forEach((w, stage) => {
    for (let i = 0; i < opts.blocks[stage]; i++) {
      const stride = i === 0 && stage > 0 ? 2 : 1;
      const out = opts.bottleneck ? w * 4 : w;
      let y: T;
      if (opts.bottleneck) {
        y = b.cba(x, w, 1, 1, 'relu');
        y = b.cba(y, w, 3, stride, 'relu');
        y = b.cba(y, out, 1);
      } else {
        y = b.cba(x, w, 3, stride, 'relu');
        y = b.cba(y, w, 3);
      }
      const cin = x.shape[3] as number;
      const skip = stride !== 1 || cin !== out ? b.cba(x, out, 1, stride) : x;
      x = b.relu(b.add(skip, y));
    }
  });
  return tfl.model({ inputs: input, outputs: b.head(x, opts.classes), name: 'resnet' });
}

/** MobileNetV2: inverted residuals (1x1 expand, 3x3 depthwise, 1x1 project), ReLU6, adds on stride 1. */
/** The conv layer that produced `t`, looking back through BN / activation layers. */
function producer(t: T): string {
  let cur: T = t;
  while (!(cur.sourceLayer instanceof tfl.layers.Layer && cur.sourceLayer.getClassName() === 'Conv2D')) {
    cur = cur.sourceLayer.inboundNodes[0].inputTensors[0] as T;
  }
  return cur.sourceLayer.name;
}

/** Layers of each MobileNetV2 whose outputs form the thin residual stream (stem and projections). */
const streamLayers = new WeakMap<tfl.LayersModel, string[]>();

function mobilenetV2(size: number, classes: number, folded = false): tfl.LayersModel {
  const b = new Net(folded);
  const stream: string[] = [];
  const input = tfl.input({ shape: [size, size, 3], name: 'input' });
  let x = b.cba(input, 32, 3, 2, 'relu6');
  stream.push(producer(x));
  const cfg: [number, number, number, number][] = [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
  ];
  for (const [t, c, n, s] of cfg) {
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      const cin = x.shape[3] as number;
      let y = t === 1 ? x : b.cba(x, cin * t, 1, 1, 'relu6');
      y = b.dba(y, stride);
      y = b.cba(y, c, 1);
      stream.push(producer(y));
      x = stride === 1 && cin === c ? b.add(x, y) : y;
    }
  }
  x = b.cba(x, 1280, 1, 1, 'relu6');
  const model = tfl.model({ inputs: input, outputs: b.head(x, classes), name: 'mobilenetv2' });
  streamLayers.set(model, stream);
  return model;
}

function totalMacs(model: tfl.LayersModel): number {
  return buildGraph(model).nodes.reduce((a, n) => a + n.macs, 0);
}

/** Median latencies (ms) of several models, measured round-robin so drift hits all alike. */
function latencies(models: tfl.LayersModel[], x: tf.Tensor, reps: number): number[] {
  const run = (m: tfl.LayersModel) => {
    const y = m.predict(x) as tf.Tensor;
    y.dataSync();
    y.dispose();
  };
  for (const m of models) for (let i = 0; i < 3; i++) run(m);
  const times: number[][] = models.map(() => []);
  for (let r = 0; r < reps; r++) {
    models.forEach((m, i) => {
      const t0 = performance.now();
      run(m);
      times[i].push(performance.now() - t0);
    });
  }
  return times.map(median);
}

async function speedRows(
  label: string,
  model: tfl.LayersModel,
  size: number,
  reps: number,
  ignore: string[] = [],
) {
  seedWeights(model, 7);
  const graph = buildGraph(model);
  const macs0 = totalMacs(model);
  const scorer = magnitude({ p: 2, reduction: 'mean' });
  const pruned: tfl.LayersModel[] = [];
  for (const ratio of RATIOS)
    pruned.push((await channelPruner(graph, { scorer, ratio, ignore }).run()).model);
  const x = tf.randomNormal([1, size, size, 3], 0, 1, 'float32', 1);
  const lat = latencies([model, ...pruned], x, reps);
  x.dispose();
  const rows = RATIOS.map((ratio, i) => {
    const macs = totalMacs(pruned[i]);
    const macsReduction = macs0 / macs;
    const speedup = lat[0] / lat[i + 1];
    return {
      model: label,
      ratio,
      ignored_layers: ignore.length,
      params_before: model.countParams(),
      params_after: pruned[i].countParams(),
      macs_before: macs0,
      macs_after: macs,
      macs_reduction: macsReduction,
      latency_ms_before: lat[0],
      latency_ms_after: lat[i + 1],
      latency_speedup: speedup,
      speedup_over_macs_reduction: speedup / macsReduction,
      reps,
    };
  });
  for (const m of pruned) m.dispose();
  return rows;
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
  const reps = quick ? 11 : 41;
  // The prune itself runs on the cpu backend (weights read in place, no copies out of a wasm heap).
  await tf.setBackend('cpu');
  const big = await resnet50Prune();
  await useBackend();
  const rows: Record<string, unknown>[] = [];
  const load0 = loadavg()[0];
  const r18 = (folded: boolean) =>
    resnet({
      size: 96,
      widths: [64, 128, 256, 512],
      blocks: [2, 2, 2, 2],
      bottleneck: false,
      classes: 100,
      folded,
    });
  // As trained (conv → BatchNormalization → ReLU layers): what a user's LayersModel looks like.
  rows.push(...(await speedRows('resnet18-style', r18(false), 96, reps)));
  rows.push(...(await speedRows('mobilenetv2-style', mobilenetV2(128, 100), 128, reps)));
  if (!quick) {
    // Reference rows, not goals (left out of --quick to keep it short).
    // Only the expansion channels (the residual stream — stem and projection outputs — kept), as
    // MobileNet pruning is often done.
    const mn = mobilenetV2(128, 100);
    rows.push(...(await speedRows('mobilenetv2-style-expansion-only', mn, 128, reps, streamLayers.get(mn))));
    // Inference form (BN folded into conv biases, activations fused into the conv kernels).
    rows.push(...(await speedRows('resnet18-style-folded', r18(true), 96, reps)));
    rows.push(...(await speedRows('mobilenetv2-style-folded', mobilenetV2(128, 100, true), 128, reps)));
  }
  rows.push({ ...big, backend: 'cpu' });
  const at = (model: string) => rows.find((r) => r.model === model && r.ratio === 0.5)!;
  const goals: Goal[] = [
    {
      name: 'latency_over_macs_resnet_r50',
      value: at('resnet18-style').speedup_over_macs_reduction as number,
      target: 0.8,
      op: '>=',
    },
    {
      name: 'latency_over_macs_mobilenetv2_r50',
      value: at('mobilenetv2-style').speedup_over_macs_reduction as number,
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
  writeResult({
    name: 'structured',
    env: envInfo('wasm', {
      quick,
      prune_backend: 'cpu',
      threads: 1,
      loadavg_start: load0,
      loadavg_end: loadavg()[0],
    }),
    rows,
    goals,
  });
}

await main();
