/** The report's data island: JSON inside <script type="application/json" id="report-data">. */
import { InvalidArgumentError } from '@prunekit/core';
import type { EmbeddedReport } from './types.js';

/** The id of the <script type="application/json"> element that holds a report's data in its HTML. */
export const DATA_ELEMENT_ID = 'report-data';

/** JSON safe inside a <script> element: '<', '>' and '&' are written as \u escapes. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Reads the embedded report back out of a report.html (for tests and tools). */
export function parseReportHtml(html: string): EmbeddedReport {
  const re = new RegExp(`<script type="application/json" id="${DATA_ELEMENT_ID}">([\\s\\S]*?)</script>`);
  const m = re.exec(html);
  if (!m) {
    throw new InvalidArgumentError(
      `No <script id="${DATA_ELEMENT_ID}"> element in the HTML; is it a prunekit report?`,
      { field: DATA_ELEMENT_ID },
    );
  }
  return JSON.parse(m[1]) as EmbeddedReport;
}
