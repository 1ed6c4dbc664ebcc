/** The layer table and the dependency-group table of a model. */
import { type ChannelAnalysis, computeMetrics, type ModelGraph } from '@prunekit/core';
import { analyzeChannels } from '@prunekit/layers';
import { formatTable } from '../table.js';

/**
 * What `prunekit inspect` reports: per-layer params/nonzero/MACs, the channel groups, the frozen groups
 * and the totals.
 */
export interface Inspection {
  readonly layers: {
    name: string;
    className: string;
    outputShape: (number | null)[];
    params: number;
    nonzero: number;
    macs: number;
  }[];
  readonly groups: { id: string; size: number; roots: string[]; members: number; layers: string[] }[];
  readonly frozen: { id: string; size: number; reason: string }[];
  readonly totals: { params: number; nonzero: number; macs: number; bytes: number };
}

/** `analysis` defaults to the layers analysis; other formats pass their own (graph models). */
export function inspectGraph(
  graph: ModelGraph,
  analysis: ChannelAnalysis = analyzeChannels(graph),
): Inspection {
  const m = computeMetrics(graph);
  const byName = new Map(m.layers.map((l) => [l.name, l]));
  return {
    layers: graph.nodes.map((n) => ({
      name: n.name,
      className: n.className,
      outputShape: [...n.outputShape],
      params: byName.get(n.name)?.params ?? 0,
      nonzero: byName.get(n.name)?.nonzero ?? 0,
      macs: n.macs,
    })),
    groups: analysis.groups.map((g) => ({
      id: g.id,
      size: g.size,
      roots: [...g.roots],
      members: g.members.length,
      layers: [...new Set(g.members.map((x) => x.node))],
    })),
    frozen: analysis.frozen.map((f) => ({ id: f.id, size: f.size, reason: f.reason })),
    totals: { params: m.params, nonzero: m.nonzero, macs: m.macs, bytes: m.bytes },
  };
}

/** Renders an Inspection as plain-text tables: layers, channel groups, frozen groups and totals. */
export function formatInspection(i: Inspection): string {
  const shape = (s: (number | null)[]) => `[${s.map((d) => d ?? '?').join(', ')}]`;
  const layers = formatTable([
    ['layer', 'class', 'output', 'params', 'nonzero', 'MACs'],
    ...i.layers.map((l) => [l.name, l.className, shape(l.outputShape), l.params, l.nonzero, l.macs]),
    ['total', '', '', i.totals.params, i.totals.nonzero, i.totals.macs],
  ]);
  const groups = formatTable([
    ['group', 'channels', 'removes outputs of', 'members', 'layers touched'],
    ...i.groups.map((g) => [g.id, g.size, g.roots.join(', '), g.members, g.layers.join(', ')]),
  ]);
  const frozen = i.frozen.length
    ? `\n\nKept whole (${i.frozen.length}):\n${formatTable([['group', 'channels', 'why'], ...i.frozen.map((f) => [f.id, f.size, f.reason])])}`
    : '';
  return `Layers\n${layers}\n\nDependency groups (${i.groups.length}; channels pruned together)\n${groups}${frozen}\n`;
}
