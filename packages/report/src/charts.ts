/** Chart.js configurations for a report, computed here so they are plain JSON a test can read. */
import { closedLoopChart } from './closed_loop.js';
import { deadlineLayerChart, deadlineParetoChart } from './deadline.js';
import { color } from './palette.js';
import { paretoFront } from './pareto.js';
import type { ChartSpec, ReportData, ReportRun } from './types.js';

const axis = (text: string, extra: Record<string, unknown> = {}) => ({
  title: { display: true, text },
  ...extra,
});

/** A fraction axis (accuracy) ends at 1, not at Chart.js's padded 1.06. */
const unitMax = (ys: readonly number[]) =>
  ys.length > 0 && ys.every((y) => y >= 0 && y <= 1) ? { max: 1 } : {};

function layerNames(runs: readonly ReportRun[]): string[] {
  const names: string[] = [];
  for (const r of runs)
    for (const l of r.layers ?? []) if (l.params > 0 && !names.includes(l.name)) names.push(l.name);
  return names;
}

/** Sparsity (zeros / params) of each layer, one bar series per run. */
export function layerSparsityChart(data: ReportData): ChartSpec | undefined {
  const names = layerNames(data.runs);
  if (names.length === 0) return undefined;
  const datasets = data.runs.map((r, i) => {
    const by = new Map((r.layers ?? []).map((l) => [l.name, l]));
    return {
      label: r.name,
      backgroundColor: color(i),
      data: names.map((n) => {
        const l = by.get(n);
        return l && l.params > 0 ? 1 - l.nonzero / l.params : null;
      }),
    };
  });
  // Only dense models (e.g. a sensitivity report): an all-zero chart says nothing.
  if (datasets.every((d) => d.data.every((v) => v === null || v === 0))) return undefined;
  return {
    id: 'layer-sparsity',
    title: 'Sparsity per layer (fraction of zero weights), before and after',
    config: {
      type: 'bar',
      data: { labels: names, datasets },
      options: { scales: { y: axis('sparsity', { min: 0, max: 1 }), x: axis('layer') } },
    },
  };
}

/** Output channels (or parameters where a layer has no channel count) per layer, per run. */
export function layerChannelsChart(data: ReportData): ChartSpec | undefined {
  const names = layerNames(data.runs);
  if (names.length === 0) return undefined;
  const datasets = data.runs.map((r, i) => {
    const by = new Map((r.layers ?? []).map((l) => [l.name, l]));
    return { label: r.name, backgroundColor: color(i), data: names.map((n) => by.get(n)?.channels ?? null) };
  });
  if (datasets.every((d) => d.data.every((v) => v === null))) return undefined;
  return {
    id: 'layer-channels',
    title: 'Output channels per layer, before and after',
    config: {
      type: 'bar',
      data: { labels: names, datasets },
      options: { scales: { y: axis('channels'), x: axis('layer') } },
    },
  };
}

/** Evaluation metric against pruning ratio, one line per layer pruned alone. */
export function sensitivityChart(data: ReportData): ChartSpec | undefined {
  const s = data.sensitivity;
  if (!s || s.curves.length === 0) return undefined;
  const datasets = s.curves.map((c, i) => ({
    label: c.layer,
    borderColor: color(i),
    backgroundColor: color(i),
    showLine: true,
    data: [{ x: 0, y: s.baseline }, ...c.points.map((p) => ({ x: p.ratio, y: p.metric }))],
  }));
  return {
    id: 'sensitivity',
    title: `Sensitivity: metric with one layer pruned (${s.granularity})`,
    config: {
      type: 'scatter',
      data: { datasets },
      options: {
        scales: {
          x: axis('ratio pruned', { min: 0, max: 1 }),
          y: axis('metric', unitMax(datasets.flatMap((d) => d.data.map((p) => p.y)))),
        },
      },
    },
  };
}

/**
 * Accuracy against effective MACs; the point radius grows with latency on the first backend, and the
 * Pareto front (fewer MACs, higher accuracy) is drawn as a line.
 */
export function paretoChart(data: ReportData): ChartSpec | undefined {
  const runs = data.runs.filter((r) => typeof r.accuracy === 'number');
  if (runs.length < 2) return undefined; // one point is no trade-off
  const backend = Object.keys(runs[0].latencyMs ?? {})[0];
  const lat = runs.map((r) => (backend ? r.latencyMs?.[backend] : undefined));
  const maxLat = Math.max(...lat.map((v) => v ?? 0));
  const points = runs.map((r, i) => ({
    x: r.sparseMacs,
    y: r.accuracy as number,
    r: maxLat > 0 && lat[i] !== undefined ? 4 + 10 * ((lat[i] as number) / maxLat) : 6,
    label: r.name,
    latencyMs: lat[i] ?? null,
  }));
  const front = paretoFront(points.map((p) => ({ cost: p.x, value: p.y })));
  return {
    id: 'pareto',
    title: `Accuracy vs MACs${backend ? ` (point size: ${backend} latency)` : ''}, Pareto front`,
    config: {
      type: 'bubble',
      data: {
        datasets: [
          ...points.map((p, i) => ({ label: p.label, backgroundColor: color(i), data: [p] })),
          {
            type: 'line',
            label: 'Pareto front',
            borderColor: '#555',
            borderDash: [4, 4],
            pointRadius: 0,
            data: front.map((i) => ({ x: points[i].x, y: points[i].y })),
          },
        ],
      },
      options: {
        scales: {
          x: axis('effective MACs per sample'),
          y: axis('accuracy', unitMax(points.map((p) => p.y))),
        },
      },
    },
  };
}

/** Median forward latency per backend, grouped by run. */
export function latencyChart(data: ReportData): ChartSpec | undefined {
  const backends: string[] = [];
  for (const r of data.runs)
    for (const b of Object.keys(r.latencyMs ?? {})) if (!backends.includes(b)) backends.push(b);
  if (backends.length === 0) return undefined;
  const values = data.runs.flatMap((r) => Object.values(r.latencyMs ?? {})).filter((v) => v > 0);
  // Backends an order of magnitude apart (wasm 0.5 ms, cpu 10 ms) would leave the fast bars slivers.
  const log = values.length > 1 && Math.max(...values) / Math.min(...values) >= 10;
  return {
    id: 'latency',
    title: 'Median latency of one forward pass per backend (ms)',
    config: {
      type: 'bar',
      data: {
        labels: data.runs.map((r) => r.name),
        datasets: backends.map((b, i) => ({
          label: b,
          backgroundColor: color(i),
          data: data.runs.map((r) => r.latencyMs?.[b] ?? null),
        })),
      },
      options: {
        scales: {
          y: log ? axis('ms (log scale)', { type: 'logarithmic' }) : axis('ms', { min: 0 }),
          x: axis('model'),
        },
      },
    },
  };
}

/** Every chart the data supports, in page order. */
export function buildCharts(data: ReportData): ChartSpec[] {
  return [
    layerSparsityChart,
    layerChannelsChart,
    sensitivityChart,
    paretoChart,
    latencyChart,
    closedLoopChart,
    deadlineLayerChart,
    deadlineParetoChart,
  ]
    .map((f) => f(data))
    .filter((c): c is ChartSpec => c !== undefined);
}
