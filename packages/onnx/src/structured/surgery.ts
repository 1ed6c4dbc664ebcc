import { droppedIndices, gatherInto, keptShape, weightKeeps, zeroAlong } from '@prunekit/core';
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

function plan(analysis: OnnxChannelAnalysis, removal: ChannelRemoval, mode: 'remove' | 'zero'): Plan {
  const graph = analysis.graph;
  const kept = keptChannels(analysis, removal);
  const out: InitializerOverride[] = [];
  const attributes: AttributeOverride[] = [];
  for (const node of graph.nodes) {
    const slices = analysis.slices.get(node.name) ?? [];
    for (const p of node.params) {
      const shape = [...p.shape];
      const keeps = weightKeeps(node, p, slices, kept, (n) => analysis.layouts.get(n)!.size);
      const src = graph.weights.values(p.id);
      const b = graph.bindings.get(p.id)!;
      // Element-wise operands (a divisor, an offset) stay as they are in the reference: the
      // channels they touch are dropped downstream anyway, and a zeroed divisor would put Inf/NaN
      // into the masked original.
      if (mode === 'zero') {
        if (p.role === 'other') continue;
        const zero = droppedIndices(shape, keeps);
        zeroAlong(src, shape, zero);
        out.push({ ...b, values: src, dims: shape });
        continue;
      }
      const dims = keptShape(shape, keeps);
      const dst = new Float32Array(dims.reduce((a, d) => a * d, 1));
      gatherInto(src, shape, keeps, dst);
      out.push({ ...b, values: dst, dims });
    }
    const cfg = opConfig(node);
    if (mode === 'zero' || cfg.outputIndex !== 0) continue;
    const spec = onnxSpecOrOpaque(node.className);
    const sizes = {
      in: node.inputs.map((i) => kept.get(i)!.length),
      out: kept.get(node.name)!.length,
      oldOut: analysis.layouts.get(node.name)!.size,
    };
    const attrs = spec.editAttrs?.(node, sizes);
    if (attrs) attributes.push({ nodeIndex: cfg.nodeIndex, values: attrs });
    if (!spec.editConst) continue;
    cfg.slots.forEach((s, slot) => {
      if (s.kind !== 'const' || !s.ints) return;
      const v = spec.editConst!(node, slot, s.ints, sizes);
      if (v) out.push({ initializer: s.name, nodeIndex: cfg.nodeIndex, slot, values: v, dims: s.shape });
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
