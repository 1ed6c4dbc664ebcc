/**
 * The deadline section: per-layer latency (the table's figure, timed alone, beside its share of
 * the whole-model prediction), predicted vs measured whole-model latency, and the
 * accuracy/latency Pareto front of the allocation plans (uniform, MACs-driven, deadline-aware).
 */
import { color } from './palette.js';
import { paretoFront } from './pareto.js';
import type {
  ChartSpec,
  ReportData,
  ReportDeadline,
  ReportDeadlineLayer,
  ReportDeadlinePlan,
} from './types.js';

const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(3));

/** The plans of a deadline section that have a score (the Pareto points), with their front. */
function scored(d: ReportDeadline): { plans: ReportDeadlinePlan[]; front: Set<number> } {
  const plans = d.plans.filter((p) => p.score !== undefined && Number.isFinite(p.score));
  const front = new Set(paretoFront(plans.map((p) => ({ cost: p.measuredMs, value: p.score! }))));
  return { plans, front };
}

/** Header and rows of the plans table (strings, shared by HTML and markdown). */
export function deadlinePlanRows(d: ReportDeadline): string[][] {
  const { plans, front } = scored(d);
  return [
    ['plan', 'measured ms', 'predicted ms', d.metric ?? 'score', 'on the Pareto front'],
    ...d.plans.map((p) => [
      p.name,
      ms(p.measuredMs),
      ms(p.predictedMs),
      p.score === undefined ? '–' : p.score.toFixed(4),
      p.score === undefined ? '–' : front.has(plans.indexOf(p)) ? 'yes' : 'no',
    ]),
  ];
}

/** Header and rows of the per-layer latency table. */
export function deadlineLayerRows(d: ReportDeadline): string[][] {
  return [
    ['layer', 'class', 'table ms (alone)', 'predicted ms (in the model)'],
    ...d.layers.map((l) => [l.layer, l.className, ms(l.tableMs), ms(l.predictedMs)]),
  ];
}

/** One line saying what the section's figures are. */
export function deadlineCaption(d: ReportDeadline): string {
  const budget = d.budgetMs === undefined ? '' : `budget ${ms(d.budgetMs)} ms, `;
  return `Deadline-aware pruning on ${d.backend} (${budget}batch ${d.batch}): plans at equal measured latency; per-layer figures of the ${d.layersOf ?? 'deadline-aware'} model.`;
}

/** Bars per layer: the table's figure and the calibrated prediction. */
export function deadlineLayerChart(data: ReportData): ChartSpec | undefined {
  const d = data.deadline;
  if (!d || d.layers.length === 0) return undefined;
  return {
    id: 'deadline-layers',
    title: `Latency per layer on ${d.backend}, batch ${d.batch}: timed alone (table) vs predicted inside the whole model`,
    config: {
      type: 'bar',
      data: {
        labels: d.layers.map((l) => l.layer),
        datasets: [
          { label: 'table (timed alone)', backgroundColor: color(0), data: d.layers.map((l) => l.tableMs) },
          {
            label: 'predicted (calibrated)',
            backgroundColor: color(1),
            data: d.layers.map((l) => l.predictedMs ?? null),
          },
        ],
      },
      options: { scales: { y: { title: { display: true, text: 'ms' }, min: 0 } } },
    },
  };
}

/** Scatter of every plan (score vs measured latency), one colour per plan, the front as a line. */
export function deadlineParetoChart(data: ReportData): ChartSpec | undefined {
  const d = data.deadline;
  if (!d) return undefined;
  const { plans, front } = scored(d);
  if (plans.length === 0) return undefined;
  const names = [...new Set(plans.map((p) => p.name))];
  return {
    id: 'deadline-pareto',
    title: `${d.metric ?? 'score'} vs measured latency (${d.backend}, batch ${d.batch}): uniform, MACs-driven and deadline-aware plans`,
    config: {
      type: 'scatter',
      data: {
        datasets: [
          ...names.map((n, i) => ({
            label: n,
            backgroundColor: color(i),
            data: plans.filter((p) => p.name === n).map((p) => ({ x: p.measuredMs, y: p.score })),
          })),
          {
            type: 'line',
            label: 'Pareto front',
            borderColor: color(names.length),
            data: [...front].map((i) => ({ x: plans[i].measuredMs, y: plans[i].score })),
          },
        ],
      },
      options: {
        scales: {
          x: { title: { display: true, text: 'measured ms' } },
          y: { title: { display: true, text: d.metric ?? 'score' } },
        },
      },
    },
  };
}

/** A bench:deadline row (benchmarks/results/deadline.json `rows[i]`), the fields read here. */
export interface DeadlineBenchRow {
  readonly task: string;
  readonly metric: string;
  readonly batch: number;
  readonly budgetMs?: number;
  readonly dense: { readonly ms: number; readonly predictedMs?: number; readonly score?: number };
  readonly deadline: { readonly ms: number; readonly predictedMs?: number; readonly score?: number };
  readonly uniform: { readonly ms: number; readonly predictedMs?: number; readonly score?: number };
  readonly macsDriven: { readonly ms: number; readonly predictedMs?: number; readonly score?: number };
  readonly perLayer: readonly { layer: string; className: string; ms: number; calibratedMs?: number }[];
}

/** The deadline section of one bench:deadline row (the backend is the bench's, e.g. 'wasm'). */
export function deadlineFromBench(row: DeadlineBenchRow, backend: string): ReportDeadline {
  const plan = (name: string, p: DeadlineBenchRow['dense']): ReportDeadlinePlan => ({
    name,
    measuredMs: p.ms,
    ...(p.predictedMs !== undefined ? { predictedMs: p.predictedMs } : {}),
    ...(p.score !== undefined ? { score: p.score } : {}),
  });
  return {
    backend,
    batch: row.batch,
    ...(row.budgetMs !== undefined ? { budgetMs: row.budgetMs } : {}),
    metric: row.metric,
    layers: row.perLayer.map(layerOf),
    plans: [
      plan('dense', row.dense),
      plan('uniform', row.uniform),
      plan('MACs-driven', row.macsDriven),
      plan('deadline-aware', row.deadline),
    ],
  };
}

/** `prunekit prune --budget-ms`'s results.json, the fields read here. */
export interface DeadlinePruneDoc {
  readonly backend: string;
  readonly batch: number;
  readonly budget: { readonly ms: number };
  readonly dense: { readonly measuredMs: number; readonly predictedMs?: number };
  readonly pruned: { readonly measuredMs: number; readonly predictedMs?: number };
  readonly perLayer: readonly { layer: string; className: string; ms: number; calibratedMs?: number }[];
}

/** The deadline section of a budget prune (latency only: the CLI run scores no task). */
export function deadlineFromPrune(doc: DeadlinePruneDoc): ReportDeadline {
  return {
    backend: doc.backend,
    batch: doc.batch,
    budgetMs: doc.budget.ms,
    layers: doc.perLayer.map(layerOf),
    plans: [
      { name: 'dense', measuredMs: doc.dense.measuredMs, predictedMs: doc.dense.predictedMs },
      { name: 'deadline-aware', measuredMs: doc.pruned.measuredMs, predictedMs: doc.pruned.predictedMs },
    ],
  };
}

function layerOf(l: DeadlineBenchRow['perLayer'][number]): ReportDeadlineLayer {
  return {
    layer: l.layer,
    className: l.className,
    tableMs: l.ms,
    ...(l.calibratedMs !== undefined ? { predictedMs: l.calibratedMs } : {}),
  };
}
