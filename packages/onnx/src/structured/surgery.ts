import { cutWeight, editedConsts, keptSizes, type SurgeryMode } from '@prunekit/core';
import { type ChannelRemoval, keptChannels } from '@prunekit/layers';
import type { OnnxGraph } from '../graph/build_graph.js';
import { type AttributeOverride, type InitializerOverride, writeOnnx } from '../io/write.js';
import { onnxSpecOrOpaque } from '../ops/registry.js';
import { opConfig } from '../ops/spec.js';
import type { OnnxChannelAnalysis } from './analyze.js';

interface Plan {
  readonly initializers: InitializerOverride[];
  readonly attributes: AttributeOverride[];
}

function plan(analysis: OnnxChannelAnalysis, removal: ChannelRemoval, mode: SurgeryMode): Plan {
  const graph = analysis.graph;
  const kept = keptChannels(analysis, removal);
  const out: InitializerOverride[] = [];
  const attributes: AttributeOverride[] = [];
  for (const node of graph.nodes) {
    for (const p of node.params) {
      const b = graph.bindings.get(p.id)!;
      const cut = cutWeight(analysis, kept, node, p, graph.weights.values(p.id), mode);
      if (cut) out.push({ ...b, values: cut.values, dims: cut.shape });
    }
    const cfg = opConfig(node);
    if (mode === 'zero' || cfg.outputIndex !== 0) continue;
    const spec = onnxSpecOrOpaque(node.className);
    const sizes = keptSizes(analysis, kept, node);
    const attrs = spec.editAttrs?.(node, sizes);
    if (attrs) attributes.push({ nodeIndex: cfg.nodeIndex, values: attrs });
    for (const e of editedConsts(node, cfg.slots, spec.editConst, sizes))
      out.push({
        initializer: e.name,
        nodeIndex: cfg.nodeIndex,
        slot: e.slot,
        values: e.values,
        dims: e.shape,
      });
  }
  return { initializers: out, attributes };
}

function write(analysis: OnnxChannelAnalysis, p: Plan): Uint8Array {
  return writeOnnx(analysis.graph.source, p.initializers, analysis.graph.label, p.attributes);
}

/**
 * Model surgery on an ONNX model: a new .onnx file without the given channels — every weight
 * initializer cut along its channel axes (NCHW: Conv W axes 0 / 1, Gemm B, BatchNorm vectors,
 * per-channel operands) and the shape constants that depend on channel counts rewritten (Reshape
 * targets, Resize sizes). The input bytes are only read.
 */
export function removeOnnxChannels(analysis: OnnxChannelAnalysis, removal: ChannelRemoval): Uint8Array {
  return write(analysis, plan(analysis, removal, 'remove'));
}

/** The reference for surgery: same shapes, every weight slice the removed channels touch set to 0. */
export function zeroOnnxChannels(analysis: OnnxChannelAnalysis, removal: ChannelRemoval): Uint8Array {
  return write(analysis, plan(analysis, removal, 'zero'));
}

/** The graph's current weights (after masks or fine-tuning) as a new .onnx file. */
export function exportOnnx(graph: OnnxGraph): Uint8Array {
  const overrides: InitializerOverride[] = [...graph.bindings].map(([id, b]) => ({
    ...b,
    values: graph.weights.values(id),
    dims: graph.param(id).shape,
  }));
  return writeOnnx(graph.source, overrides, graph.label);
}
