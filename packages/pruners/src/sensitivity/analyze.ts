import * as tf from '@tensorflow/tfjs-core';
import {
  type DataSource,
  InvalidArgumentError,
  layersNamed,
  type ModelGraph,
  type ScoreContext,
  type Scorer,
  UnknownLayerError,
  computeMetrics,
  maskSparsity,
  writeMasks,
} from '@prunekit/core';
import { analyzeChannels, buildGraph } from '@prunekit/layers';
import type * as tfl from '@tensorflow/tfjs-layers';
import { channelPruner } from '../channel/index.js';
import { unstructuredPruner } from '../unstructured/index.js';

/** One pruning ratio of one layer, evaluated alone. */
export interface SensitivityPoint {
  readonly ratio: number;
  /** The evaluate() value with only this layer pruned at this ratio (higher is better). */
  readonly metric: number;
  /** Parameters removed from the whole model (zeroed weights, or removed by surgery). */
  readonly params: number;
  /** MACs removed from the whole model (weights: the layer's MACs × its sparsity). */
  readonly macs: number;
}

/** One layer's sensitivity: the metric at each tried ratio with only that layer pruned. */
export interface SensitivityCurve {
  readonly layer: string;
  readonly points: readonly SensitivityPoint[];
}

/** What sensitivityAnalysis returns: the baseline metric, the model's totals and a curve per layer. */
export interface SensitivityResult {
  readonly granularity: 'weights' | 'channels';
  /** evaluate() of the unpruned model. */
  readonly baseline: number;
  readonly totalParams: number;
  readonly totalMacs: number;
  readonly curves: readonly SensitivityCurve[];
}

/** Options of sensitivityAnalysis: the metric, scorer, granularity, ratios and which layers to analyse. */
export interface SensitivityOptions {
  /** Validation metric of a model, higher is better (e.g. accuracy). Gets the graph's model (weights) or a pruned copy (channels). */
  readonly evaluate: (model: tfl.LayersModel) => number | Promise<number>;
  readonly scorer: Scorer;
  /** 'weights': unstructured masks of the layer's kernels; 'channels': its output channels by surgery. Default 'channels'. */
  readonly granularity?: 'weights' | 'channels';
  /** Ratios to try, each in (0, 1). Default [0.25, 0.5, 0.75]. */
  readonly ratios?: readonly number[];
  /** Layers to analyse (default: every prunable one). */
  readonly layers?: readonly string[];
  /** Layers left out (channels: their channels are also kept by the pruner). */
  readonly ignore?: readonly string[];
  readonly data?: DataSource;
  readonly context?: Partial<Omit<ScoreContext, 'graph' | 'rng'>>;
  /**
   * evaluate() of the unpruned model when it is already known (a distributed sweep evaluates it
   * once as its own trial): skips evaluating it again and is returned as `baseline`.
   */
  readonly baseline?: number;
  /** Called after each evaluated point (progress). */
  readonly onPoint?: (layer: string, p: SensitivityPoint) => void;
}

function checkRatios(ratios: readonly number[]): number[] {
  if (
    !Array.isArray(ratios) ||
    ratios.length === 0 ||
    ratios.some((r) => !(typeof r === 'number' && r > 0 && r < 1))
  ) {
    throw new InvalidArgumentError(
      `ratios must be a non-empty list of fractions in (0, 1), got ${JSON.stringify(ratios)}.`,
      {
        field: 'ratios',
      },
    );
  }
  return [...ratios].sort((a, b) => a - b);
}

/** The grid sensitivityAnalysis evaluates: the layers (in order) × the ratios (ascending). */
export interface SensitivityGrid {
  readonly granularity: 'weights' | 'channels';
  readonly layers: readonly string[];
  readonly ratios: readonly number[];
}

/**
 * Checks the options and lists the grid sensitivityAnalysis evaluates: `opts.layers` or every
 * layer with something to prune at the granularity, less `opts.ignore`; the ratios sorted.
 * Throws typed errors naming the field on bad input.
 */
export function sensitivityGrid(
  graph: ModelGraph,
  opts: Pick<SensitivityOptions, 'granularity' | 'ratios' | 'layers' | 'ignore'>,
): SensitivityGrid {
  const granularity = opts.granularity ?? 'channels';
  if (granularity !== 'weights' && granularity !== 'channels') {
    throw new InvalidArgumentError(
      `granularity must be 'weights' or 'channels', got ${JSON.stringify(granularity)}.`,
      {
        field: 'granularity',
      },
    );
  }
  const ratios = checkRatios(opts.ratios ?? [0.25, 0.5, 0.75]);
  const names = graph.nodes.map((n) => n.name);
  for (const l of opts.layers ?? []) {
    if (!graph.hasNode(l)) throw new UnknownLayerError(l, 'layers', names);
  }
  const ignore = layersNamed(graph, opts.ignore ?? [], 'ignore');
  const candidates =
    granularity === 'weights'
      ? [...new Set(graph.params((p) => p.prunable).map((p) => p.node))]
      : [...new Set(analyzeChannels(graph, { ignore: [...ignore] }).groups.map((g) => g.roots[0]))];
  const layers = (opts.layers ?? candidates).filter((l) => !ignore.has(l));
  for (const l of layers) {
    if (!candidates.includes(l)) {
      throw new InvalidArgumentError(
        `layers: '${l}' has nothing to prune at granularity '${granularity}' (prunable: ${candidates.join(', ')}).`,
        { field: 'layers', layer: l },
      );
    }
  }
  return { granularity, layers, ratios };
}

/**
 * Sensitivity analysis: prunes each layer alone at each ratio of a grid, evaluates the model on
 * validation data through `evaluate`, and returns one curve per layer. The model behind `graph`
 * is left as it was (weights restored; channel pruning builds copies).
 */
export async function sensitivityAnalysis(
  graph: ModelGraph,
  opts: SensitivityOptions,
): Promise<SensitivityResult> {
  if (typeof opts?.evaluate !== 'function') {
    throw new InvalidArgumentError('evaluate must be a function (model) => metric, higher is better.', {
      field: 'evaluate',
    });
  }
  const { granularity, layers, ratios } = sensitivityGrid(graph, opts);
  const model = graph.source as tfl.LayersModel;
  const before = computeMetrics(graph);
  const baseline = opts.baseline ?? (await opts.evaluate(model));
  const curves: SensitivityCurve[] = [];
  for (const layer of layers) {
    const points: SensitivityPoint[] = [];
    for (const ratio of ratios) {
      const p =
        granularity === 'weights'
          ? await weightPoint(graph, layer, ratio, opts)
          : await channelPoint(graph, layer, ratio, opts, before.params, before.macs);
      points.push(p);
      opts.onPoint?.(layer, p);
    }
    curves.push({ layer, points });
  }
  return { granularity, baseline, totalParams: before.params, totalMacs: before.macs, curves };
}

async function weightPoint(
  graph: ModelGraph,
  layer: string,
  ratio: number,
  opts: SensitivityOptions,
): Promise<SensitivityPoint> {
  const pruner = unstructuredPruner(graph, {
    scorer: opts.scorer,
    ratio,
    params: (p) => p.prunable && p.node === layer,
    data: opts.data,
    context: opts.context,
  });
  const plan = await pruner.plan(0);
  // Weights this ratio really removes (already-zero ones do not count), then the masked write.
  const saved = new Map<string, Float32Array>();
  let removed = 0;
  for (const [id, mask] of plan.masks) {
    const v = graph.weights.values(id);
    saved.set(id, v);
    for (let i = 0; i < v.length; i++) if (mask.data[i] === 0 && v[i] !== 0) removed++;
  }
  try {
    writeMasks(graph.weights, plan.masks);
    const metric = await opts.evaluate(graph.source as tfl.LayersModel);
    const node = graph.node(layer);
    return { ratio, metric, params: removed, macs: Math.round(node.macs * maskSparsity(plan.masks)) };
  } finally {
    for (const [id, v] of saved) {
      const t = tf.tensor(v, [...graph.param(id).shape]);
      graph.weights.assign(id, t);
      t.dispose();
    }
  }
}

async function channelPoint(
  graph: ModelGraph,
  layer: string,
  ratio: number,
  opts: SensitivityOptions,
  params: number,
  macs: number,
): Promise<SensitivityPoint> {
  const pruner = channelPruner(graph, {
    scorer: opts.scorer,
    ratio: 0,
    ratios: { [layer]: ratio },
    ignore: opts.ignore,
    data: opts.data,
    context: opts.context,
  });
  const res = await pruner.apply(await pruner.plan(0));
  try {
    const metric = await opts.evaluate(res.model);
    const after = computeMetrics(buildGraph(res.model));
    return { ratio, metric, params: params - after.params, macs: macs - after.macs };
  } finally {
    res.model.dispose();
  }
}
