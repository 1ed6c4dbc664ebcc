/** Reads Chart.js's UMD build from node_modules so the report can inline it (I/O lives here only). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/** Source of chart.umd.min.js (Chart.js 4), read once. */
export function chartLibrarySource(): string {
  if (cached === undefined) {
    const main = createRequire(import.meta.url).resolve('chart.js');
    cached = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
  }
  return cached;
}
