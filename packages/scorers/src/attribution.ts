import * as tf from '@tensorflow/tfjs-core';
import type {
  Batch,
  DataSource,
  DependencyGroup,
  GroupMember,
  ModelGraph,
  ParamInfo,
  ScoreContext,
  Scorer,
} from '@prunekit/core';
import { CalibrationDataError } from './calibration/calibrate.js';
import { type LossFn, batchLoss, batches, checkBatch, defaultLoss, modelOf } from './calibration/forward.js';
import { channelScorer } from './channel_kit.js';
import { type GroupOptions, groupOptions } from './scorer_kit.js';

/** Options of ablation: the loss of a batch and the batches to measure it on. */
export interface AblationOptions extends GroupOptions {
  /** Loss of one batch; default cross-entropy. */
  readonly loss?: LossFn;
  /** Batches to measure the loss on, instead of ctx.data (e.g. a smaller subset: one forward pass per channel). */
  readonly data?: DataSource;
}

interface Slice {
  readonly param: ParamInfo;
  readonly axis: number;
  readonly indices: (c: number) => number[];
}

function meanLoss(graph: ModelGraph, data: readonly Batch[], loss: LossFn): number {
  const model = modelOf(graph, 'ablation');
  let sum = 0;
  let n = 0;
  for (const b of data) {
    const l = batchLoss(model, loss, b);
    const k = (Array.isArray(b.x) ? b.x[0] : b.x).shape[0];
    sum += l.dataSync()[0] * k;
    n += k;
    l.dispose();
  }
  return sum / n;
}

/** Loss increase when each channel's slices are zeroed (one channel at a time), weights restored after. */
function ablate(
  graph: ModelGraph,
  data: readonly Batch[],
  loss: LossFn,
  slices: readonly Slice[],
  size: number,
): Float64Array {
  const base = meanLoss(graph, data, loss);
  const original = slices.map((s) => graph.weights.values(s.param.id));
  const out = new Float64Array(size);
  try {
    for (let c = 0; c < size; c++) {
      slices.forEach((s, k) => {
        const v = Float32Array.from(original[k]);
        let inner = 1;
        for (let d = s.axis + 1; d < s.param.shape.length; d++) inner *= s.param.shape[d];
        const len = s.param.shape[s.axis];
        const hit = new Set(s.indices(c));
        for (let i = 0; i < v.length; i++) if (hit.has(Math.floor(i / inner) % len)) v[i] = 0;
        const t = tf.tensor(v, [...s.param.shape]);
        graph.weights.assign(s.param.id, t);
        t.dispose();
      });
      out[c] = meanLoss(graph, data, loss) - base;
    }
  } finally {
    slices.forEach((s, k) => {
      const t = tf.tensor(original[k], [...s.param.shape]);
      graph.weights.assign(s.param.id, t);
      t.dispose();
    });
  }
  return out;
}

const memberSlice = (graph: ModelGraph, m: GroupMember): Slice => ({
  param: graph.param(m.param!),
  axis: m.axis,
  indices: (c) => {
    const out: number[] = [];
    for (let k = 0; k < m.repeat; k++) out.push(m.offset + c * m.scale + k * m.stride);
    return out;
  },
});

/**
 * Attribution by ablation: a channel's importance is the increase of the calibration loss when it
 * is removed (every weight producing it zeroed), measured one channel at a time — the direct
 * answer to "what does this channel contribute", at one forward pass over the data per channel.
 * Per weight, every output channel of the weight's layer is ablated (all its parameters' slices).
 */
export function ablation(opts: AblationOptions = {}): Scorer {
  const name = 'ablation';
  const batchesOf = new WeakMap<object, Promise<Batch[]>>();
  const perNode = new WeakMap<object, Map<string, Float64Array>>();
  const data = (ctx: ScoreContext): Promise<Batch[]> => {
    const source = opts.data ?? ctx.data;
    if (!source) {
      throw new CalibrationDataError(
        `Scorer '${name}' needs calibration data to measure the loss: pass data (an async iterable of { x, y } batches).`,
        { scorer: name },
      );
    }
    let p = batchesOf.get(ctx);
    if (!p) {
      p = (async () => {
        const model = modelOf(ctx.graph, name);
        const out: Batch[] = [];
        for await (const b of batches(source, name)) {
          checkBatch(model, b, out.length, true, name);
          out.push(b);
        }
        return out;
      })();
      batchesOf.set(ctx, p);
    }
    return p;
  };
  const lossOf = (ctx: ScoreContext) => opts.loss ?? defaultLoss(modelOf(ctx.graph, name));
  return channelScorer(
    {
      name,
      needs: ['data'],
      async paramChannels(p, ctx) {
        const list = await data(ctx);
        let cache = perNode.get(ctx);
        if (!cache) {
          cache = new Map();
          perNode.set(ctx, cache);
        }
        const size = p.shape[p.outAxis!];
        const key = `${p.node}:${size}`;
        if (!cache.has(key)) {
          const slices = ctx.graph
            .node(p.node)
            .params.filter((q) => q.outAxis !== undefined && q.shape[q.outAxis] === size)
            .map((q) => ({ param: q, axis: q.outAxis!, indices: (c: number) => [c] }));
          cache.set(key, ablate(ctx.graph, list, lossOf(ctx), slices, size));
        }
        return cache.get(key);
      },
      async groupParts(group: DependencyGroup, ctx) {
        const list = await data(ctx);
        const slices = group.members
          .filter((m) => m.role === 'out' && m.param)
          .map((m) => memberSlice(ctx.graph, m));
        return slices.length ? [ablate(ctx.graph, list, lossOf(ctx), slices, group.size)] : [];
      },
    },
    groupOptions(name, opts),
  );
}
