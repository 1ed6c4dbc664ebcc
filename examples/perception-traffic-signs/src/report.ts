/** The results document (core's ResultDoc) and its renderings: results.md and a stdout table. */
import type { Goal, ResultDoc } from '@prunekit/core';
import { goalMet } from '@prunekit/core';

/** One evaluated model: a pruning level of one run (the baseline is level 0 of 'unstructured'). */
export interface ResultRow {
  readonly run: string;
  /** The run's knob: target sparsity for unstructured, channel ratio for structured, … */
  readonly level: number;
  /** Achieved sparsity of the prunable weights. */
  readonly sparsity: number;
  readonly params: number;
  readonly nonzero: number;
  readonly macs: number;
  /** MACs that touch a nonzero weight. */
  readonly sparseMacs: number;
  /** Bytes of the saved model (model.json + weight shards). */
  readonly fileBytes: number;
  /** Test accuracy right after pruning, before fine-tuning (0..1). */
  readonly accuracyPruned: number;
  /** Test accuracy after fine-tuning (0..1). */
  readonly accuracy: number;
  /** Baseline accuracy minus this row's, in percentage points. */
  readonly accDropPoints: number;
  readonly finetuneEpochs: number;
  /** Max |stock tf.loadLayersModel output − in-memory output| on test images. */
  readonly exportMaxAbsDiff: number;
  /** Whether the reloaded model has exactly the zeros of the in-memory model. */
  readonly exportZerosExact: boolean;
  /** Recall per class name (0..1). */
  readonly recall: Readonly<Record<string, number>>;
  readonly seconds: number;
  /** Run-specific extras (latency, file ratios, …) added by later runs. */
  readonly [extra: string]: unknown;
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const int = (v: number) => v.toLocaleString('en-US');

const COLUMNS: readonly [string, (r: ResultRow) => string][] = [
  ['run', (r) => r.run],
  ['level', (r) => `${Math.round(r.level * 100)}%`],
  ['sparsity', (r) => pct(r.sparsity)],
  ['params', (r) => int(r.params)],
  ['nonzero', (r) => int(r.nonzero)],
  ['MACs', (r) => int(r.macs)],
  ['nonzero MACs', (r) => int(r.sparseMacs)],
  ['file bytes', (r) => int(r.fileBytes)],
  ['acc pruned', (r) => pct(r.accuracyPruned)],
  ['acc tuned', (r) => pct(r.accuracy)],
  ['drop (pts)', (r) => r.accDropPoints.toFixed(2)],
  ['FT epochs', (r) => String(r.finetuneEpochs)],
];

/** Fixed-width text table of the rows (for stdout). */
export function formatTable(rows: readonly ResultRow[]): string {
  const cells = [COLUMNS.map(([h]) => h), ...rows.map((r) => COLUMNS.map(([, f]) => f(r)))];
  const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  return cells
    .map((row) =>
      row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '),
    )
    .join('\n');
}

function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export interface MarkdownSection {
  readonly title: string;
  readonly body: string;
}

export function renderMarkdown(
  doc: ResultDoc,
  classNames: readonly string[],
  sections: readonly MarkdownSection[] = [],
): string {
  const rows = doc.rows as unknown as ResultRow[];
  const out: string[] = [`# Results: ${doc.name}`, ''];
  out.push(
    `Environment: Node ${doc.env.node}, ${doc.env.cpu} × ${doc.env.cores}, backend '${doc.env.backend}'` +
      (typeof doc.env.pipelineSeconds === 'number'
        ? `; pipeline ${doc.env.pipelineSeconds.toFixed(0)} s (1-min load average at start ${Number(doc.env.loadAverage1m).toFixed(1)})`
        : '') +
      '.',
    '',
  );
  out.push('## Models', '');
  out.push(
    mdTable(
      COLUMNS.map(([h]) => h),
      rows.map((r) => COLUMNS.map(([, f]) => f(r))),
    ),
    '',
  );
  out.push(
    '`sparsity`: zeros among the prunable weights (conv and dense kernels); `nonzero MACs`: multiply–accumulates',
    'that touch a nonzero weight (what a sparse kernel could skip to); `file bytes`: model.json + weight shards as',
    'written by `saveModel`. Accuracy is on the held-out test set; `drop` is baseline minus tuned, in points.',
    '',
  );
  out.push('## Per-class recall (after fine-tuning)', '');
  const header = ['class', ...rows.map((r) => `${r.run} ${Math.round(r.level * 100)}%`)];
  out.push(
    mdTable(
      header,
      classNames.map((c) => [c, ...rows.map((r) => pct(r.recall[c] ?? Number.NaN))]),
    ),
    '',
  );
  out.push('## Export check', '');
  out.push(
    mdTable(
      ['run', 'level', 'max abs diff after stock reload', 'zeros exact'],
      rows.map((r) => [
        r.run,
        `${Math.round(r.level * 100)}%`,
        r.exportMaxAbsDiff.toExponential(2),
        r.exportZerosExact ? 'yes' : 'NO',
      ]),
    ),
    '',
  );
  for (const s of sections) out.push(`## ${s.title}`, '', s.body, '');
  out.push('## Goals', '');
  out.push(
    mdTable(
      ['goal', 'measured', 'target', 'met'],
      doc.goals.map((g) => [g.name, g.value.toFixed(3), `${g.op} ${g.target}`, goalMet(g) ? 'yes' : 'NO']),
    ),
    '',
  );
  return out.join('\n');
}

export function formatGoals(goals: readonly Goal[]): string {
  return goals
    .map(
      (g) => `goal ${g.name}: ${g.value.toFixed(3)} ${g.op} ${g.target} → ${goalMet(g) ? 'met' : 'MISSED'}`,
    )
    .join('\n');
}
