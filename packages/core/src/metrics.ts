import type { ModelGraph } from './graph.js';
import { sizeOf } from './graph.js';

/** Size and cost of one layer: parameters, nonzeros and MACs per sample. */
export interface LayerMetrics {
  readonly name: string;
  readonly className: string;
  readonly params: number;
  readonly nonzero: number;
  /** Dense MACs for one sample. */
  readonly macs: number;
  /** MACs that touch a nonzero weight (macs × density of the layer's prunable weights). */
  readonly sparseMacs: number;
}

/** Size and cost of a model: parameters, nonzeros, MACs per sample, bytes and per-layer figures. */
export interface ModelMetrics {
  readonly params: number;
  readonly nonzero: number;
  readonly macs: number;
  readonly sparseMacs: number;
  /** float32 bytes of all parameters. */
  readonly bytes: number;
  readonly layers: readonly LayerMetrics[];
}

function countNonzero(v: Float32Array): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) n++;
  return n;
}

/** Params, nonzero params, MACs and bytes, per layer and in total, read from the live weights. */
export function computeMetrics(graph: ModelGraph): ModelMetrics {
  const layers: LayerMetrics[] = [];
  for (const node of graph.nodes) {
    let params = 0;
    let nonzero = 0;
    let prunable = 0;
    let prunableNonzero = 0;
    for (const p of node.params) {
      const n = sizeOf(p.shape);
      const nz = countNonzero(graph.weights.values(p.id));
      params += n;
      nonzero += nz;
      if (p.prunable) {
        prunable += n;
        prunableNonzero += nz;
      }
    }
    const density = prunable === 0 ? 1 : prunableNonzero / prunable;
    layers.push({
      name: node.name,
      className: node.className,
      params,
      nonzero,
      macs: node.macs,
      sparseMacs: Math.round(node.macs * density),
    });
  }
  const sum = (k: 'params' | 'nonzero' | 'macs' | 'sparseMacs') => layers.reduce((a, l) => a + l[k], 0);
  return {
    params: sum('params'),
    nonzero: sum('nonzero'),
    macs: sum('macs'),
    sparseMacs: sum('sparseMacs'),
    bytes: sum('params') * 4,
    layers,
  };
}

/** Plain-text table of per-layer metrics (for logs and markdown). */
export function formatMetricsTable(m: ModelMetrics): string {
  const rows = [['layer', 'class', 'params', 'nonzero', 'MACs']];
  for (const l of m.layers) {
    if (l.params === 0 && l.macs === 0) continue;
    rows.push([l.name, l.className, String(l.params), String(l.nonzero), String(l.macs)]);
  }
  rows.push(['total', '', String(m.params), String(m.nonzero), String(m.macs)]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ')).join('\n');
}
