/** Convenience: the HTML page (Chart.js inlined from node_modules) and the markdown summary. */
import { chartLibrarySource } from './chart_library.js';
import { renderHtml } from './html.js';
import { renderSummary } from './summary.js';
import type { ReportData } from './types.js';

/** The HTML report (Chart.js inlined from node_modules) and the markdown summary of `data`. */
export function buildReport(data: ReportData): { html: string; markdown: string } {
  return { html: renderHtml(data, { chartLibrary: chartLibrarySource() }), markdown: renderSummary(data) };
}
