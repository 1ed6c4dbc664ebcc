import { cutWeight, editedConsts, keptSizes, type SurgeryMode } from '@prunekit/core';
import { type ChannelRemoval, keptChannels } from '@prunekit/layers';
import type { GraphModelGraph } from '../graph/build_graph.js';
import { type ConstOverride, type WriteGraphOptions, writeGraphModel } from '../io/materialize.js';
import type { GraphModelSource } from '../io/source.js';
import { opSpecOrOpaque } from '../ops/registry.js';
import { opConfig } from '../ops/spec.js';
import type { GraphChannelAnalysis } from './analyze.js';

/** Every parameter's current values (masks, fine-tuning) as Const overrides. */
export function currentValues(graph: GraphModelGraph): ConstOverride[] {
  return [...graph.bindings].map(([id, b]) => ({
    ...b,
    values: graph.weights.values(id),
    shape: graph.param(id).shape,
  }));
}

/** Options of removeGraphChannels / zeroGraphChannels: the weights' dtype and mean compensation. */
export interface SurgeryOptions extends WriteGraphOptions {
  /** Bias parameter id → amount added before cutting (meanCompensation's `biasShift`). */
  readonly biasShift?: ReadonlyMap<string, Float32Array>;
}

function plan(
  analysis: GraphChannelAnalysis,
  removal: ChannelRemoval,
  mode: SurgeryMode,
  biasShift: ReadonlyMap<string, Float32Array> = new Map(),
): ConstOverride[] {
  const graph = analysis.graph;
  const kept = keptChannels(analysis, removal);
  const out: ConstOverride[] = [];
  for (const node of graph.nodes) {
    for (const p of node.params) {
      const src = graph.weights.values(p.id);
      const b = graph.bindings.get(p.id)!;
      const shift = biasShift.get(p.id);
      if (shift) for (let i = 0; i < src.length; i++) src[i] += shift[i % shift.length];
      out.push({
        ...b,
        ...(cutWeight(analysis, kept, node, p, src, mode) ?? { values: src, shape: [...p.shape] }),
      });
    }
    if (mode === 'zero' || opConfig(node).outputIndex !== 0) continue;
    const edits = editedConsts(
      node,
      opConfig(node).slots,
      opSpecOrOpaque(node.className).editConst,
      keptSizes(analysis, kept, node),
    );
    for (const e of edits)
      out.push({
        constName: e.name,
        consumer: node.name,
        slot: e.slot,
        values: Int32Array.from(e.values),
        shape: e.shape,
      });
  }
  return out;
}

/**
 * Model surgery on a graph model: a new model without the given channels — every Const weight
 * cut along its channel axes and the shape constants that depend on channel counts rewritten.
 * Weights keep their input dtype and quantization unless `dtype: 'float32'`. The source graph is
 * only read; load the result with `toTfGraphModel` (stock tf.loadGraphModel from memory).
 * `biasShift` (from meanCompensation) folds the removed channels' mean outputs into the biases
 * of the convs that read them.
 */
export function removeGraphChannels(
  analysis: GraphChannelAnalysis,
  removal: ChannelRemoval,
  opts: SurgeryOptions = {},
): GraphModelSource {
  return writeGraphModel(analysis.graph.source, plan(analysis, removal, 'remove', opts.biasShift), opts);
}

/** The reference for surgery: same shapes, with every weight slice the removed channels touch set to 0. */
export function zeroGraphChannels(
  analysis: GraphChannelAnalysis,
  removal: ChannelRemoval,
  opts: SurgeryOptions = {},
): GraphModelSource {
  return writeGraphModel(analysis.graph.source, plan(analysis, removal, 'zero', opts.biasShift), opts);
}

/** The graph's current weights (after masks or fine-tuning) as a new graph model. */
export function exportGraphModel(graph: GraphModelGraph, opts: WriteGraphOptions = {}): GraphModelSource {
  return writeGraphModel(graph.source, currentValues(graph), opts);
}
