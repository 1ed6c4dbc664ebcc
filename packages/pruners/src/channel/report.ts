import type { ModelMetrics } from '@prunekit/core';

/** One layer's params and MACs before and after channel pruning. */
export interface ChannelReportRow {
  readonly layer: string;
  readonly className: string;
  readonly paramsBefore: number;
  readonly paramsAfter: number;
  readonly macsBefore: number;
  readonly macsAfter: number;
}

/**
 * Params and MACs of a model before and after channel pruning, per layer and in total, with a printable
 * table.
 */
export interface ChannelReport {
  readonly rows: readonly ChannelReportRow[];
  readonly before: ModelMetrics;
  readonly after: ModelMetrics;
  /** before / after (≥ 1 when the model shrank). */
  readonly paramsReduction: number;
  readonly macsReduction: number;
  /** Plain-text table, one line per layer with weights or MACs, then the totals. */
  readonly table: string;
}

/** Params and MACs per layer and in total, before and after structured pruning. */
export function channelReport(before: ModelMetrics, after: ModelMetrics): ChannelReport {
  const afterByName = new Map(after.layers.map((l) => [l.name, l]));
  const rows: ChannelReportRow[] = before.layers
    .filter((l) => l.params > 0 || l.macs > 0)
    .map((l) => {
      const a = afterByName.get(l.name);
      return {
        layer: l.name,
        className: l.className,
        paramsBefore: l.params,
        paramsAfter: a?.params ?? 0,
        macsBefore: l.macs,
        macsAfter: a?.macs ?? 0,
      };
    });
  const ratio = (b: number, a: number) => (a === 0 ? Number.POSITIVE_INFINITY : b / a);
  const cells = [
    ['layer', 'class', 'params', '→ params', 'MACs', '→ MACs'],
    ...rows.map((r) =>
      [r.layer, r.className, r.paramsBefore, r.paramsAfter, r.macsBefore, r.macsAfter].map(String),
    ),
    ['total', '', String(before.params), String(after.params), String(before.macs), String(after.macs)],
    [
      'reduction',
      '',
      '',
      `${ratio(before.params, after.params).toFixed(2)}x`,
      '',
      `${ratio(before.macs, after.macs).toFixed(2)}x`,
    ],
  ];
  const widths = cells[0].map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  const table = cells
    .map((r) => r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '))
    .join('\n');
  return {
    rows,
    before,
    after,
    paramsReduction: ratio(before.params, after.params),
    macsReduction: ratio(before.macs, after.macs),
    table,
  };
}
