import { droppedIndices, gatherInto, keptShape, weightKeeps, zeroAlong } from '@prunekit/core';
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

function plan(
  analysis: GraphChannelAnalysis,
  removal: ChannelRemoval,
  mode: 'remove' | 'zero',
): ConstOverride[] {
  const graph = analysis.graph;
  const kept = keptChannels(analysis, removal);
  const out: ConstOverride[] = [];
  for (const node of graph.nodes) {
    const slices = analysis.slices.get(node.name) ?? [];
    for (const p of node.params) {
      const shape = [...p.shape];
      const keeps = weightKeeps(node, p, slices, kept, (n) => analysis.layouts.get(n)!.size);
      const src = graph.weights.values(p.id);
      const b = graph.bindings.get(p.id)!;
      // Element-wise operands (a divisor, a per-channel offset) are left as they are in the
      // reference: the channels they touch are dropped downstream anyway, and a zeroed divisor
      // would put Inf/NaN into the masked original.
      if (mode === 'zero' && p.role === 'other') {
        out.push({ ...b, values: src, shape });
        continue;
      }
      if (mode === 'zero') {
        const zero = droppedIndices(shape, keeps);
        zeroAlong(src, shape, zero);
        out.push({ ...b, values: src, shape });
        continue;
      }
      const newShape = keptShape(shape, keeps);
      const dst = new Float32Array(newShape.reduce((a, d) => a * d, 1));
      gatherInto(src, shape, keeps, dst);
      out.push({ ...b, values: dst, shape: newShape });
    }
    if (mode === 'zero' || opConfig(node).outputIndex !== 0) continue;
    const spec = opSpecOrOpaque(node.className);
    if (!spec.editConst) continue;
    const sizes = {
      in: node.inputs.map((i) => kept.get(i)!.length),
      out: kept.get(node.name)!.length,
      oldOut: analysis.layouts.get(node.name)!.size,
    };
    opConfig(node).slots.forEach((s, slot) => {
      if (s.kind !== 'const' || !s.ints) return;
      const v = spec.editConst!(node, slot, s.ints, sizes);
      if (v)
        out.push({
          constName: s.name,
          consumer: node.name,
          slot,
          values: Int32Array.from(v),
          shape: s.shape,
        });
    });
  }
  return out;
}

/**
 * Model surgery on a graph model: a new model without the given channels — every Const weight
 * cut along its channel axes and the shape constants that depend on channel counts rewritten.
 * Weights keep their input dtype and quantization unless `dtype: 'float32'`. The source graph is
 * only read; load the result with `toTfGraphModel` (stock tf.loadGraphModel from memory).
 */
export function removeGraphChannels(
  analysis: GraphChannelAnalysis,
  removal: ChannelRemoval,
  opts: WriteGraphOptions = {},
): GraphModelSource {
  return writeGraphModel(analysis.graph.source, plan(analysis, removal, 'remove'), opts);
}

/** The reference for surgery: same shapes, with every weight slice the removed channels touch set to 0. */
export function zeroGraphChannels(
  analysis: GraphChannelAnalysis,
  removal: ChannelRemoval,
  opts: WriteGraphOptions = {},
): GraphModelSource {
  return writeGraphModel(analysis.graph.source, plan(analysis, removal, 'zero'), opts);
}

/** The graph's current weights (after masks or fine-tuning) as a new graph model. */
export function exportGraphModel(graph: GraphModelGraph, opts: WriteGraphOptions = {}): GraphModelSource {
  return writeGraphModel(graph.source, currentValues(graph), opts);
}
