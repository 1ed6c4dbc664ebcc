/** Plain-text tables with aligned columns (numbers right, text left). */
export function formatTable(rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? String(c) : c)));
  const numeric = rows[1]?.map((c) => typeof c === 'number') ?? [];
  const widths = cells[0].map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A number for a text table: integers (counts) exactly — 18432, not 18430 — others to 4 significant digits. */
export function roundCell(x: number): number {
  return Number.isInteger(x) ? x : Number(x.toPrecision(4));
}
