/** The closed-loop section: a table of rate ratios with intervals (HTML and markdown) and its chart. */
import { color } from './palette.js';
import type { ChartSpec, ReportClosedLoop, ReportClosedLoopEvent, ReportData } from './types.js';

const num = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : String(v));

/**
 * Header and rows of the closed-loop table (strings, shared by HTML and markdown). With `also`, the
 * table of that further event (no limit column: it is not guarded).
 */
export function closedLoopRows(c: ReportClosedLoop, also?: ReportClosedLoopEvent): string[][] {
  const pct = +(100 * c.confidence).toFixed(2);
  const event = also?.event ?? c.event;
  const rows = also?.rows ?? c.rows;
  return [
    [
      'model',
      c.unit,
      `${event}s`,
      `${event}s per ${c.per.toLocaleString('en-US')} ${c.unit}`,
      `ratio to dense (${pct}% CI)`,
      ...(also ? [] : [`upper ≤ ${c.maxRatio}`]),
    ],
    ...rows.map((r) => [
      r.model,
      num(r.exposure, 0),
      String(r.events),
      num(r.rate, 2),
      `${num(r.ratio, 3)} (${num(r.lower, 2)}–${num(r.upper, 2)})`,
      ...(also ? [] : [r.upper <= c.maxRatio ? 'yes' : 'no']),
    ]),
  ];
}

/** One line saying what the intervals are. */
export function closedLoopCaption(c: ReportClosedLoop): string {
  return `Closed loop, paired with the dense policy on the same scenarios: ${c.event} rate ratio, ${+(100 * c.confidence).toFixed(2)}% intervals from the ${c.test}.`;
}

/** Floating bars [lower, upper] of each model's ratio, with the allowed maximum as a line. */
export function closedLoopChart(data: ReportData): ChartSpec | undefined {
  const c = data.closedLoop;
  if (!c || c.rows.length === 0) return undefined;
  const labels = c.rows.map((r) => r.model);
  const cap = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    id: 'closed-loop',
    title: `${c.event} rate ratio to the dense policy (${+(100 * c.confidence).toFixed(2)}% interval; line: allowed maximum ${c.maxRatio})`,
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: [
          {
            type: 'bar',
            label: 'interval',
            backgroundColor: color(0),
            data: c.rows.map((r) => [cap(r.lower), cap(r.upper)]),
          },
          {
            type: 'scatter',
            label: 'estimate',
            backgroundColor: color(1),
            data: c.rows.map((r) => ({ x: r.model, y: cap(r.ratio) })),
          },
          {
            type: 'line',
            label: `max ${c.maxRatio}`,
            borderColor: color(3),
            pointRadius: 0,
            data: labels.map(() => c.maxRatio),
          },
        ],
      },
      options: {
        scales: {
          y: { title: { display: true, text: `${c.event} rate ratio` }, min: 0 },
          x: { title: { display: true, text: 'model' } },
        },
      },
    },
  };
}
