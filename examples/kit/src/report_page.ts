/** The HTML report (packages/report) of an example run: one run per model row, plus the closed-loop section. */
import type { ResultDoc } from '@prunekit/core';
import type { ReportClosedLoop, ReportClosedLoopRow, ReportData } from '@prunekit/report';
import type { SearchStepLike } from './closed_loop_report.js';

/** The fields every example's model row has. */
export interface ReportableRow {
  readonly model: string;
  readonly level: number;
  readonly params: number;
  readonly nonzeroParams: number;
  readonly macs: number;
  readonly effectiveMacs: number;
  readonly fileBytes: number;
  readonly latencyB1MedianMs: number;
}

export function exampleReport(
  doc: ResultDoc,
  rows: readonly ReportableRow[],
  accuracy: (row: ReportableRow) => number,
  closedLoop?: ReportClosedLoop,
): ReportData {
  const env: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(doc.env))
    if (['string', 'number', 'boolean'].includes(typeof v)) env[k] = v as string | number | boolean;
  return {
    title: `${doc.name} — pruning results`,
    created: new Date().toISOString(),
    env,
    runs: rows.map((r) => ({
      name: r.model,
      level: r.level,
      params: r.params,
      nonzero: r.nonzeroParams,
      macs: r.macs,
      sparseMacs: r.effectiveMacs,
      bytes: 4 * r.params,
      fileBytes: r.fileBytes,
      accuracy: accuracy(r),
      latencyMs: { wasm: r.latencyB1MedianMs },
    })),
    ...(closedLoop ? { closedLoop } : {}),
    notes: doc.goals.map((g) => `goal ${g.name}: ${g.value.toFixed(4)} (target ${g.op} ${g.target})`),
  };
}

/** The closed-loop section of the report from an example's safety settings, rows and search log. */
export function collisionSection(
  safety: { readonly test: string; readonly confidence: number; readonly maxRatio: number },
  unit: string,
  per: number,
  rows: readonly ReportClosedLoopRow[],
  steps: readonly SearchStepLike[],
): ReportClosedLoop {
  return {
    event: 'collision',
    unit,
    per,
    test:
      safety.test === 'poisson-exact' ? 'exact conditional Poisson test' : 'paired bootstrap over scenarios',
    confidence: safety.confidence,
    maxRatio: safety.maxRatio,
    rows,
    search: steps.map((st) => `${st.candidate} / ${st.stage}: ${st.decision} — ${st.message}`),
  };
}
