/** The self-contained report page: summary table, charts, and the data they are drawn from. */
import { buildCharts } from './charts.js';
import { scriptSafeJson, DATA_ELEMENT_ID } from './embed.js';
import { closedLoopCaption, closedLoopRows } from './closed_loop.js';
import { deadlineCaption, deadlineLayerRows, deadlinePlanRows } from './deadline.js';
import { summaryRows } from './format.js';
import type { EmbeddedReport, ReportData } from './types.js';

/** Options of renderHtml(): the Chart.js source to inline. */
export interface RenderHtmlOptions {
  /** JavaScript of Chart.js's UMD build (defines globalThis.Chart); see chartLibrarySource(). */
  readonly chartLibrary: string;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Inlined script text must not close its own element early. */
const inlineScript = (js: string) => js.replace(/<\/(script)/gi, '<\\/$1');

// Draws every chart of the data island; runs after Chart.js is defined.
const DRAW = `
(function () {
  var doc = JSON.parse(document.getElementById('${DATA_ELEMENT_ID}').textContent);
  var root = document.getElementById('charts');
  Chart.defaults.animation = false;
  doc.charts.forEach(function (c) {
    var fig = document.createElement('figure');
    var cap = document.createElement('figcaption');
    cap.textContent = c.title;
    var canvas = document.createElement('canvas');
    canvas.id = 'chart-' + c.id;
    fig.appendChild(cap);
    fig.appendChild(canvas);
    root.appendChild(fig);
    new Chart(canvas.getContext('2d'), c.config);
  });
  document.body.setAttribute('data-charts-drawn', String(doc.charts.length));
})();`;

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 12px 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure { margin: 24px 0; } figcaption { font-weight: 600; margin-bottom: 6px; }
.env { color: #555; font-size: 12px; }`;

function htmlTable([head, ...rows]: readonly string[][]): string {
  return [
    '<table><thead><tr>',
    ...head.map((h) => `<th>${escapeHtml(h)}</th>`),
    '</tr></thead><tbody>',
    ...rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('');
}

/** The JSON a report page embeds: the data and the chart configurations computed from it. */
export function embeddedReport(data: ReportData): EmbeddedReport {
  return { version: 1, report: data, charts: buildCharts(data) };
}

/** A self-contained HTML report (data, charts and Chart.js inlined; no network). */
export function renderHtml(data: ReportData, opts: RenderHtmlOptions): string {
  const embedded = embeddedReport(data);
  const tableHtml = htmlTable(summaryRows(data.runs));
  const env = Object.entries(data.env)
    .map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(String(v))}`)
    .join(' · ');
  const cl = data.closedLoop;
  const closedLoopHtml = cl
    ? [
        `<h2>Closed loop</h2><p>${escapeHtml(closedLoopCaption(cl))}</p>`,
        htmlTable(closedLoopRows(cl)),
        ...(cl.also ?? []).map(
          (e) =>
            `<p>${escapeHtml(`Also counted (not guarded): ${e.event}, same scenarios and intervals.`)}</p>${htmlTable(closedLoopRows(cl, e))}`,
        ),
        cl.search?.length ? `<ol>${cl.search.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ol>` : '',
      ].join('')
    : '';
  const dl = data.deadline;
  const deadlineHtml = dl
    ? [
        `<h2>Deadline-aware pruning</h2><p>${escapeHtml(deadlineCaption(dl))}</p>`,
        htmlTable(deadlinePlanRows(dl)),
        dl.layers.length ? htmlTable(deadlineLayerRows(dl)) : '',
      ].join('')
    : '';
  const notes = (data.notes ?? []).map((n) => `<li>${escapeHtml(n)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>${STYLE}</style>
</head><body>
<h1>${escapeHtml(data.title)}</h1>
<p class="env">${escapeHtml(data.created)} · ${env}</p>
${tableHtml}
${notes ? `<ul>${notes}</ul>` : ''}
${closedLoopHtml}
${deadlineHtml}
<div id="charts"></div>
<script type="application/json" id="${DATA_ELEMENT_ID}">${scriptSafeJson(embedded)}</script>
<script>${inlineScript(opts.chartLibrary)}</script>
<script>${DRAW}</script>
</body></html>
`;
}
