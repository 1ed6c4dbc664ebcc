import { describe, expect, it } from 'vitest';
import {
  latencyChart,
  layerSparsityChart,
  paretoChart,
  paretoFront,
  parseReportHtml,
  type ReportData,
  type ReportRun,
  sensitivityChart,
} from '../src/index.js';
import { buildReport } from '../src/node.js';

const layer = (name: string, params: number, nonzero: number, channels: number) => ({
  name,
  className: 'Conv2D',
  params,
  nonzero,
  macs: params * 10,
  channels,
});

const run = (name: string, level: number, acc: number, ms: number, keep: number): ReportRun => ({
  name,
  level,
  params: 1000,
  nonzero: Math.round(1000 * keep),
  macs: 10_000,
  sparseMacs: Math.round(10_000 * keep),
  bytes: 4000,
  accuracy: acc,
  latencyMs: { wasm: ms, cpu: ms * 20 },
  layers: [layer('conv1', 400, Math.round(400 * keep), 16), layer('conv2', 600, Math.round(600 * keep), 32)],
});

const data: ReportData = {
  title: 'Report </script><b>x</b>',
  created: '2026-01-01T00:00:00.000Z',
  env: { node: 'v20', backend: 'wasm' },
  runs: [
    run('dense', 0, 0.99, 2, 1),
    run('pruned 50%', 0.5, 0.985, 1.6, 0.5),
    run('pruned 90%', 0.9, 0.9, 1.8, 0.1),
  ],
  sensitivity: {
    granularity: 'weights',
    baseline: 0.99,
    curves: [
      {
        layer: 'conv1',
        points: [
          { ratio: 0.5, metric: 0.98 },
          { ratio: 0.9, metric: 0.7 },
        ],
      },
    ],
  },
};

describe('report', () => {
  it('embeds the chart data as JSON the page draws from, with Chart.js inlined (no network)', () => {
    const { html } = buildReport(data);
    const doc = parseReportHtml(html);
    expect(doc.report.runs.map((r) => r.name)).toEqual(['dense', 'pruned 50%', 'pruned 90%']);
    expect(doc.charts.map((c) => c.id)).toEqual([
      'layer-sparsity',
      'layer-channels',
      'sensitivity',
      'pareto',
      'latency',
    ]);
    const sparsity = doc.charts[0].config as {
      data: { labels: string[]; datasets: { label: string; data: number[] }[] };
    };
    expect(sparsity.data.labels).toEqual(['conv1', 'conv2']);
    expect(sparsity.data.datasets[1].data[0]).toBeCloseTo(0.5, 6);
    const latency = doc.charts[4].config as { data: { datasets: { label: string; data: number[] }[] } };
    expect(latency.data.datasets.map((d) => d.label)).toEqual(['wasm', 'cpu']);
    expect(latency.data.datasets[0].data).toEqual([2, 1.6, 1.8]);
    // No external resources; Chart.js is inline; the hostile title cannot close a script early.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\/[^"'\s]+\.js/);
    expect(html).toContain('Chart.defaults');
    expect(html.match(/<\/script>/g)?.length).toBe(3);
    expect(doc.report.title).toBe(data.title);
  });

  it('marks the Pareto front: fewer MACs and higher accuracy', () => {
    expect(
      paretoFront([
        { cost: 10, value: 0.99 },
        { cost: 5, value: 0.985 },
        { cost: 1, value: 0.9 },
        { cost: 6, value: 0.95 },
      ]),
    ).toEqual([2, 1, 0]);
    const doc = parseReportHtml(buildReport(data).html);
    const pareto = doc.charts.find((c) => c.id === 'pareto')?.config as {
      data: { datasets: { label: string; data: { x: number }[] }[] };
    };
    const front = pareto.data.datasets.find((d) => d.label === 'Pareto front');
    expect(front?.data.map((p) => p.x)).toEqual([1000, 5000, 10_000]);
  });

  it('writes a markdown summary with one row per run and the sensitivity table', () => {
    const { markdown } = buildReport(data);
    expect(markdown).toContain('| pruned 50% | 50% |');
    expect(markdown).toContain('98.50%');
    expect(markdown).toContain('## Sensitivity (weights)');
    expect(markdown.split('\n').filter((l) => l.startsWith('| pruned')).length).toBe(2);
  });

  it('shows closed-loop rate ratios with their intervals in the page, its chart and the summary', () => {
    const withLoop: ReportData = {
      ...data,
      closedLoop: {
        event: 'collision',
        unit: 'km',
        per: 1000,
        test: 'paired bootstrap',
        confidence: 0.95,
        maxRatio: 1.2,
        rows: [
          { model: 'dense', exposure: 10_000, events: 480, rate: 48, ratio: 1, lower: 1, upper: 1 },
          {
            model: 'pruned 50%',
            exposure: 9_900,
            events: 400,
            rate: 40.4,
            ratio: 0.84,
            lower: 0.74,
            upper: 0.96,
          },
          {
            model: 'pruned 90%',
            exposure: 9_000,
            events: 900,
            rate: 100,
            ratio: 2.08,
            lower: 1.8,
            upper: 2.4,
          },
        ],
        search: ['ratio 0.9 / cut: fail — rate ratio 2.08 (98.75% CI 1.8–2.4)'],
        also: [
          {
            event: 'hard_brake',
            rows: [
              {
                model: 'pruned 50%',
                exposure: 9_900,
                events: 31,
                rate: 3.13,
                ratio: 1.1,
                lower: 0.7,
                upper: 1.6,
              },
            ],
          },
        ],
      },
    };
    const { html, markdown } = buildReport(withLoop);
    const doc = parseReportHtml(html);
    const chart = doc.charts.find((c) => c.id === 'closed-loop');
    const sets = (chart?.config.data as { datasets: { data: unknown[] }[] }).datasets;
    expect(sets[0].data).toEqual([
      [1, 1],
      [0.74, 0.96],
      [1.8, 2.4],
    ]);
    expect(html).toContain('<h2>Closed loop</h2>');
    expect(html).toContain('<td>0.840 (0.74–0.96)</td><td>yes</td>');
    expect(html).toContain('<td>2.080 (1.80–2.40)</td><td>no</td>');
    expect(markdown).toContain('| pruned 50% | 9900 | 400 | 40.40 | 0.840 (0.74–0.96) | yes |');
    expect(markdown).toContain('1. ratio 0.9 / cut: fail');
    // A further event: its own table beside the guarded one, without the limit column.
    expect(html).toContain('Also counted (not guarded): hard_brake');
    expect(html).toContain('<th>hard_brakes per 1,000 km</th>');
    expect(html).toContain(
      '<td>pruned 50%</td><td>9900</td><td>31</td><td>3.13</td><td>1.100 (0.70–1.60)</td></tr>',
    );
    expect(markdown).toContain('| pruned 50% | 9900 | 31 | 3.13 | 1.100 (0.70–1.60) |\n');
  });

  it('leaves out charts without data', () => {
    const bare: ReportData = {
      ...data,
      sensitivity: undefined,
      runs: data.runs.map(({ latencyMs, accuracy, ...r }) => r),
    };
    expect(parseReportHtml(buildReport(bare).html).charts.map((c) => c.id)).toEqual([
      'layer-sparsity',
      'layer-channels',
    ]);
    expect(() => parseReportHtml('<html></html>')).toThrow(/report-data/);
  });

  it('log axis for latencies an order of magnitude apart; fraction axes end at 1', () => {
    const y = (c: ReturnType<typeof latencyChart>) =>
      (c?.config as { options: { scales: { y: Record<string, unknown> } } }).options.scales.y;
    expect(y(latencyChart(data))).toMatchObject({ type: 'logarithmic' }); // wasm 1.6-2 ms, cpu 32-40 ms
    const close: ReportData = {
      ...data,
      runs: data.runs.map((r) => ({ ...r, latencyMs: { wasm: r.latencyMs!.wasm } })),
    };
    expect(y(latencyChart(close))).not.toHaveProperty('type');
    expect(y(paretoChart(data))).toMatchObject({ max: 1 });
    expect(y(sensitivityChart(data))).toMatchObject({ max: 1 });
  });

  it('a sensitivity report (dense model only): no all-zero sparsity chart, no one-point Pareto chart', () => {
    const dense: ReportData = { ...data, runs: [data.runs[0]] };
    expect(layerSparsityChart(dense)).toBeUndefined();
    expect(paretoChart(dense)).toBeUndefined();
    expect(sensitivityChart(dense)).toBeDefined();
    expect(layerSparsityChart(data)).toBeDefined();
  });
});
