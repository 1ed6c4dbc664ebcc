import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type DeadlineBenchRow,
  deadlineFromBench,
  deadlineFromPrune,
  parseReportHtml,
  type ReportData,
} from '../src/index.js';
import { buildReport } from '../src/node.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const base = (deadline: ReportData['deadline']): ReportData => ({
  title: 'deadline',
  created: '2026-12-07T00:00:00Z',
  env: { backend: 'wasm' },
  runs: [],
  deadline,
});

describe('deadline section', () => {
  it("renders bench:deadline's committed output: plans table, per-layer table, Pareto and per-layer charts", () => {
    const bench = JSON.parse(readFileSync(join(root, 'benchmarks/results/deadline.json'), 'utf8')) as {
      env: { backend: string };
      rows: DeadlineBenchRow[];
    };
    const row = bench.rows[0];
    const d = deadlineFromBench(row, 'wasm');
    const { html, markdown } = buildReport(base(d));
    const doc = parseReportHtml(html);
    const ids = doc.charts.map((c) => c.id);
    expect(ids).toContain('deadline-layers');
    expect(ids).toContain('deadline-pareto');
    const pareto = doc.charts.find((c) => c.id === 'deadline-pareto')!;
    const sets = (pareto.config.data as { datasets: { label: string; data: { x: number; y: number }[] }[] })
      .datasets;
    expect(sets.map((s) => s.label)).toEqual([
      'dense',
      'uniform',
      'MACs-driven',
      'deadline-aware',
      'Pareto front',
    ]);
    // Each plan's point is its measured latency and score, as the bench wrote them.
    expect(sets[3].data).toEqual([{ x: row.deadline.ms, y: row.deadline.score }]);
    expect(sets[1].data).toEqual([{ x: row.uniform.ms, y: row.uniform.score }]);
    // The front is non-dominated and ordered by latency; the dense model (highest score) is on it.
    const front = sets[4].data;
    expect(front.length).toBeGreaterThan(0);
    for (let i = 1; i < front.length; i++) expect(front[i].x).toBeGreaterThanOrEqual(front[i - 1].x);
    expect(front.at(-1)!.y).toBe(
      Math.max(...[row.dense, row.uniform, row.macsDriven, row.deadline].map((p) => p.score!)),
    );
    const layers = doc.charts.find((c) => c.id === 'deadline-layers')!;
    expect((layers.config.data as { labels: string[] }).labels).toEqual(row.perLayer.map((l) => l.layer));
    expect(html).toContain('<h2>Deadline-aware pruning</h2>');
    expect(html).toContain(`<td>${row.perLayer[0].layer}</td>`);
    expect(markdown).toContain('## Deadline-aware pruning');
    expect(markdown).toContain(`| deadline-aware | ${row.deadline.ms.toFixed(3)} |`);
  });

  it('renders a budget prune (latency only): no Pareto chart without scores, predicted vs measured per plan', () => {
    const d = deadlineFromPrune({
      backend: 'cpu',
      batch: 1,
      budget: { ms: 2 },
      dense: { measuredMs: 3, predictedMs: 3.3 },
      pruned: { measuredMs: 1.9, predictedMs: 2.1 },
      perLayer: [
        { layer: 'c1', className: 'Conv2D', ms: 1.2, calibratedMs: 1.0 },
        { layer: 'fc', className: 'Dense', ms: 0.4, calibratedMs: 0.5 },
      ],
    });
    const { html } = buildReport(base(d));
    const ids = parseReportHtml(html).charts.map((c) => c.id);
    expect(ids).toContain('deadline-layers');
    expect(ids).not.toContain('deadline-pareto');
    expect(html).toContain('<td>deadline-aware</td><td>1.900</td><td>2.100</td><td>–</td><td>–</td>');
    expect(html).toContain('<td>c1</td><td>Conv2D</td><td>1.200</td><td>1.000</td>');
  });
});
