/** The markdown summary written beside report.html. */
import { closedLoopCaption, closedLoopRows } from './closed_loop.js';
import { deadlineCaption, deadlineLayerRows, deadlinePlanRows } from './deadline.js';
import { summaryRows } from './format.js';
import type { ReportData } from './types.js';

function table(rows: readonly string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const [head, ...body] = rows;
  return [
    `| ${head.map(esc).join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...body.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** The markdown summary of a report: one table row per run, then the sensitivity table. */
export function renderSummary(data: ReportData): string {
  const lines = [`# ${data.title}`, '', `Created ${data.created}.`, '', table(summaryRows(data.runs)), ''];
  const env = Object.entries(data.env);
  if (env.length > 0) lines.push(`Environment: ${env.map(([k, v]) => `${k} ${v}`).join(', ')}.`, '');
  if (data.sensitivity) {
    const s = data.sensitivity;
    lines.push(`## Sensitivity (${s.granularity}), baseline ${s.baseline.toFixed(4)}`, '');
    const ratios = s.curves[0]?.points.map((p) => p.ratio) ?? [];
    lines.push(
      table([
        ['layer', ...ratios.map((r) => `${Math.round(r * 100)}%`)],
        ...s.curves.map((c) => [c.layer, ...c.points.map((p) => p.metric.toFixed(4))]),
      ]),
      '',
    );
  }
  const cl = data.closedLoop;
  if (cl) {
    lines.push('## Closed loop', '', closedLoopCaption(cl), '', table(closedLoopRows(cl)), '');
    for (const e of cl.also ?? [])
      lines.push(
        `Also counted (not guarded): ${e.event}, same scenarios and intervals.`,
        '',
        table(closedLoopRows(cl, e)),
        '',
      );
    for (const [i, l] of (cl.search ?? []).entries()) lines.push(`${i + 1}. ${l}`);
    if (cl.search?.length) lines.push('');
  }
  const dl = data.deadline;
  if (dl) {
    lines.push('## Deadline-aware pruning', '', deadlineCaption(dl), '', table(deadlinePlanRows(dl)), '');
    if (dl.layers.length) lines.push(table(deadlineLayerRows(dl)), '');
  }
  for (const n of data.notes ?? []) lines.push(`- ${n}`);
  if (data.notes?.length) lines.push('');
  return lines.join('\n');
}
