/** Number formatting shared by the HTML and markdown renderers. */
export function fmtCount(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  if (Math.abs(n) >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return String(Math.round(n));
}

/** Bytes as B, KiB or MiB ('–' when unknown). */
export function fmtBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/** A fraction as a percentage with `digits` decimals ('–' when unknown). */
export function fmtPct(x: number | undefined, digits = 2): string {
  return x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(digits)}%`;
}

/** Milliseconds, two decimals below 10 ms ('–' when unknown). */
export function fmtMs(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '–' : `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;
}

/** Rows of the summary table: one per run, strings only. */
export function summaryRows(runs: readonly import('./types.js').ReportRun[]): string[][] {
  const backends: string[] = [];
  for (const r of runs)
    for (const b of Object.keys(r.latencyMs ?? {})) if (!backends.includes(b)) backends.push(b);
  const head = [
    'model',
    'level',
    'params',
    'nonzero',
    'MACs',
    'effective MACs',
    'bytes',
    'file',
    'accuracy',
    ...backends.map((b) => `latency ${b}`),
  ];
  const rows = runs.map((r) => [
    r.name,
    fmtPct(r.level, 0),
    fmtCount(r.params),
    fmtCount(r.nonzero),
    fmtCount(r.macs),
    fmtCount(r.sparseMacs),
    fmtBytes(r.bytes),
    fmtBytes(r.fileBytes),
    fmtPct(r.accuracy),
    ...backends.map((b) => fmtMs(r.latencyMs?.[b])),
  ]);
  return [head, ...rows];
}
