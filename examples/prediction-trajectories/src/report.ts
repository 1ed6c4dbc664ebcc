/** results.md: the run's table, goals (met or missed, with the measured reason) and per-layer tables. */
import { goalMet, type ResultDoc } from '@prunekit/core';
import type { Candidate } from './candidates.js';
import type { Displacement } from './metrics.js';
import type { ModelRow } from './pipeline.js';

const m = (v: number) => v.toFixed(3);
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const int = (v: number) => v.toLocaleString('en-US');

function row(r: ModelRow): string {
  return (
    `| ${r.model} | ${r.method === 'none' || r.method === 'control' ? '—' : r.level.toFixed(2)} | ${int(r.params)} (${int(r.nonzeroParams)}) | ` +
    `${int(r.macs)} (${int(Math.round(r.effectiveMacs))}) | ${int(r.fileBytes)} | ${m(r.adePruned)} → ${m(r.ade)} | ${m(r.fde)} | ` +
    `${pct(r.missRate)} | ${m(r.latencyB1MedianMs)} / ${m(r.latencyB1P99Ms)} | ${r.finetuneEpochs} |`
  );
}

/** Why a structured goal was missed, from the measured figures. */
function missedWhy(name: string, base: ModelRow, st: ModelRow): string {
  if (name === 'macs_reduction_structured')
    return `the pruner could not remove enough channels (ratio ${st.level.toFixed(2)}; the head and each layer's last 10 % stay).`;
  return (
    `pruning raised test ADE from ${m(base.ade)} to ${m(st.adePruned)} m; ${st.finetuneEpochs} fine-tuning epochs brought it back to ` +
    `${m(st.ade)} m (FDE ${m(base.fde)} → ${m(st.fde)} m, miss rate ${pct(base.missRate)} → ${pct(st.missRate)}): ` +
    'the smaller model has not recovered the baseline within the recipe budget.'
  );
}

/** The structured model against the baseline fine-tuned with the same budget, when that control ran. */
function controlNote(rows: readonly ModelRow[], st: ModelRow): string[] {
  const control = rows.find((r) => r.method === 'control');
  if (!control) return [];
  const base = rows[0];
  const rel = (a: number, b: number) => `${(100 * ((a - b) / b)).toFixed(2)}%`;
  return [
    `Control: the unpruned baseline fine-tuned with the same recipe (distilled from itself) moves test ADE ${m(base.ade)} → ` +
      `${m(control.ade)} m (${rel(control.ade, base.ade)}), miss rate ${pct(base.missRate)} → ${pct(control.missRate)}: that much of any ` +
      `gain is the extra training, not the pruning. Against this control, \`${st.model}\` changes ADE by ${rel(st.ade, control.ade)} ` +
      `and the miss rate by ${(100 * (st.missRate - control.missRate)).toFixed(2)} points.`,
    '',
  ];
}

export function renderMarkdown(
  doc: ResultDoc,
  rows: readonly ModelRow[],
  candidates: readonly Candidate[],
): string {
  const env = doc.env;
  const cv = env.constantVelocity as Displacement;
  const base = rows[0];
  const st = rows.find((r) => r.method === 'structured')!;
  return [
    `# ${doc.name} — results`,
    '',
    `Node ${env.node}, ${env.cores} × ${env.cpu}, backend '${env.backend}', seed ${env.seed}; pipeline ${(env.pipelineSeconds as number).toFixed(1)} s ` +
      `(1-minute load average at start ${(env.loadAverage1m as number).toFixed(2)} — the machine is shared, latency is noisy).`,
    '',
    `Task: predict the target vehicle's next 3 s (30 positions at 10 Hz) from 2 s of history of it and its nearest neighbours, in its own frame. ` +
      `Metrics on ${int(env.testSamples as number)} test samples: ADE (mean displacement over the 30 steps, m), FDE (at 3 s, m), ` +
      'miss rate (share of samples with FDE > 2 m, the safety metric). Lower is better for all three, so the relative drop of ADE is ' +
      '(ADE_after − ADE_before) / ADE_before: a rise in ADE counts as a drop in quality. Latency: one sample per call (batch 1) on wasm, ' +
      'models timed round-robin.',
    '',
    `Constant-velocity baseline (no learning): ADE ${m(cv.ade)} m, FDE ${m(cv.fde)} m, miss rate ${pct(cv.missRate)}.`,
    '',
    '| model | level | params (nonzero) | MACs (effective) | file bytes | ADE m: pruned → fine-tuned | FDE m | miss rate | latency b1 median / p99 ms | fine-tune epochs |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(row),
    '',
    `Level = channel ratio (structured) or weight sparsity per layer (unstructured). Ratios against the baseline: ${rows
      .slice(1)
      .map(
        (r) =>
          `${r.model} ${(base.macs / r.macs).toFixed(2)}x MACs, ${(base.effectiveMacs / r.effectiveMacs).toFixed(2)}x effective MACs, ` +
          `${(base.fileBytes / r.fileBytes).toFixed(2)}x bytes, latency ${(base.latencyB1MedianMs / r.latencyB1MedianMs).toFixed(2)}x, ` +
          `ADE ${(100 * ((r.ade - base.ade) / base.ade)).toFixed(2)}%`,
      )
      .join(
        '; ',
      )}. Unstructured models keep their dense shapes (zeros stored), so their bytes and latency do not shrink.`,
    '',
    '## Goals',
    '',
    ...doc.goals.map((g) => {
      const met = goalMet(g);
      return `- \`${g.name}\`: ${g.value.toFixed(4)} (target ${g.op} ${g.target}) — ${met ? 'met' : `MISSED: ${missedWhy(g.name, base, st)}`}`;
    }),
    '',
    ...controlNote(rows, st),
    '## Structured models, per layer',
    '',
    ...candidates
      .filter((c) => c.table)
      .flatMap((c) => [
        `\`${c.name}\` (target ${c.target}x fewer MACs, channel ratio ${c.level.toFixed(2)}):`,
        '',
        '```',
        c.table!,
        '```',
        '',
      ]),
  ].join('\n');
}
