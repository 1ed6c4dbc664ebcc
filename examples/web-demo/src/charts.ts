/**
 * Charts drawn with Chart.js (the library @prunekit/report inlines in its HTML reports): the
 * report's own chart specs for the per-layer and latency charts, and a live training chart.
 */
import type { ChartSpec, ReportData } from '@prunekit/report';
import { latencyChart, layerChannelsChart, layerSparsityChart } from '@prunekit/report';
import { Chart, type ChartConfiguration, registerables } from 'chart.js';
import type { EpochPoint } from './protocol.js';

Chart.register(...registerables);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

const drawn = new Map<string, Chart>();

/** What a drawn chart shows (the browser test reads it): title, x labels, each series' size. */
export interface ChartShown {
  readonly title: string;
  readonly labels: readonly string[];
  readonly series: readonly { readonly label: string; readonly points: number }[];
}
/** The report charts on the page now, by canvas id. */
export const chartsShown: Record<string, ChartShown> = {};

/** Draws (or redraws) one report chart spec into the canvas with id `canvasId`. */
function drawSpec(canvasId: string, spec: ChartSpec | undefined, heading: HTMLElement): void {
  drawn.get(canvasId)?.destroy();
  drawn.delete(canvasId);
  const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
  canvas.hidden = spec === undefined;
  heading.textContent = spec?.title ?? '';
  delete chartsShown[canvasId];
  if (!spec) return;
  const chart = new Chart(canvas, spec.config as unknown as ChartConfiguration);
  drawn.set(canvasId, chart);
  chartsShown[canvasId] = {
    title: spec.title,
    labels: (chart.data.labels ?? []).map(String),
    series: chart.data.datasets.map((d) => ({ label: String(d.label ?? ''), points: d.data.length })),
  };
}

/** Per-layer charts of what was removed: channels (surgery) or sparsity (masks); latency per backend. */
export function drawReportCharts(data: ReportData, structured: boolean): void {
  const layers = structured ? layerChannelsChart(data) : layerSparsityChart(data);
  drawSpec('layers-chart', layers, document.getElementById('layers-title') as HTMLElement);
  drawSpec('latency-chart', latencyChart(data), document.getElementById('latency-title') as HTMLElement);
}

/** Loss and accuracy per step / epoch, appended as fine-tuning reports them. */
export class TrainingChart {
  private readonly chart: Chart<'line', { x: number; y: number }[]>;

  constructor(canvas: HTMLCanvasElement, metric: string) {
    this.chart = new Chart(canvas, {
      type: 'line',
      data: {
        datasets: [
          {
            label: 'training loss (per step)',
            data: [],
            borderColor: '#0072B2',
            pointRadius: 0,
            yAxisID: 'loss',
          },
          { label: 'training accuracy (per epoch)', data: [], borderColor: '#E69F00', yAxisID: 'acc' },
          { label: `validation ${metric} (per epoch)`, data: [], borderColor: '#009E73', yAxisID: 'acc' },
        ],
      },
      options: {
        parsing: false,
        scales: {
          x: { type: 'linear', title: { display: true, text: 'epoch' }, min: 0 },
          loss: { type: 'linear', position: 'left', title: { display: true, text: 'loss' }, min: 0 },
          acc: {
            type: 'linear',
            position: 'right',
            title: { display: true, text: metric },
            min: 0,
            max: 1,
            grid: { drawOnChartArea: false },
          },
        },
      },
    });
  }

  reset(epochs: number): void {
    for (const d of this.chart.data.datasets) d.data = [];
    (this.chart.options.scales as Record<string, { max?: number }>).x.max = epochs;
    this.chart.update();
  }

  step(fraction: number, loss: number): void {
    this.chart.data.datasets[0].data.push({ x: fraction, y: loss });
  }

  epoch(p: EpochPoint): void {
    this.chart.data.datasets[1].data.push({ x: p.epoch, y: p.acc });
    this.chart.data.datasets[2].data.push({ x: p.epoch, y: p.valMetric });
  }

  /** Shows only the loss, only the accuracy lines, or both. */
  show(which: 'loss' | 'acc' | 'both'): void {
    this.chart.setDatasetVisibility(0, which !== 'acc');
    this.chart.setDatasetVisibility(1, which !== 'loss');
    this.chart.setDatasetVisibility(2, which !== 'loss');
    this.chart.update();
  }

  /** Redraws at most once per animation frame (steps arrive faster than frames). */
  private pending = false;
  render(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.chart.update();
    });
  }
}
