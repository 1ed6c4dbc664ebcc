/** results.md: the run's table, goals and guard logs, from the results document. */
import { goalMet, type ResultDoc } from '@prunekit/core';
import type { GuardLog } from '@prunekit/pruners';
import type { ClosedLoopEval } from './closed_loop.js';
import type { ModelRow } from './pipeline.js';

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const int = (v: number) => v.toLocaleString('en-US');
const ms = (v: number) => v.toFixed(3);

function guardTable(name: string, log: GuardLog): string {
  return [
    `Guard on \`${name}\` (${log.metric} on validation, max drop ${log.maxDrop}; reference ${pct(log.reference)}, after pruning ${pct(log.final)}):`,
    '',
    '| step | round | removed | value | drop | decision |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...log.steps.map(
      (s) =>
        `| ${s.kind} ${s.layers.join('+')} | ${s.round} | ${s.removed} | ${pct(s.value)} | ${(100 * s.drop).toFixed(2)} pts | ${s.accepted ? 'kept' : 'rolled back'} |`,
    ),
  ].join('\n');
}

export function renderMarkdown(
  doc: ResultDoc,
  rows: readonly ModelRow[],
  logs: readonly (GuardLog | undefined)[],
  expert: ClosedLoopEval,
): string {
  const env = doc.env;
  const base = rows[0];
  return [
    `# ${doc.name} — results`,
    '',
    `Node ${env.node}, ${env.cores} × ${env.cpu}, backend '${env.backend}', seed ${env.seed}; pipeline ${(env.pipelineSeconds as number).toFixed(1)} s ` +
      `(1-minute load average at start ${(env.loadAverage1m as number).toFixed(2)} — the machine is shared, latency is noisy).`,
    '',
    "Agreement = the policy picks the expert's action; brake recall = of the states where the expert brakes, the share where the policy brakes. " +
      `Offline figures are on the test demonstrations; closed loop = the policy drives vehicle 0 of each of the recipe's worlds, the expert the rest ` +
      `(the expert in the ego seat: ${expert.collisionsPer1000Km.toFixed(2)} collisions / 1,000 km over ${expert.km.toFixed(1)} km). ` +
      'Latency: one state per call (batch 1) on wasm, models timed round-robin.',
    '',
    '| model | params (nonzero) | MACs (effective) | file bytes | test agreement | test brake recall | guard value (val brake recall, recovered) → val brake recall after fine-tune | closed-loop agreement | closed-loop brake recall | collisions / 1,000 km | latency b1 median / p99 ms | guard kept / rolled back |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${int(r.params)} (${int(r.nonzeroParams)}) | ${int(r.macs)} (${int(Math.round(r.effectiveMacs))}) | ${int(r.fileBytes)} | ` +
        `${pct(r.testAgreement)} | ${pct(r.testBrakeRecall)} | ${pct(r.valBrakeRecallPruned)} → ${pct(r.valBrakeRecall)} | ${pct(r.closedLoopAgreement)} | ` +
        `${pct(r.closedLoopBrakeRecall)} | ${r.collisionsPer1000Km.toFixed(2)} | ${ms(r.latencyB1MedianMs)} / ${ms(r.latencyB1P99Ms)} | ${r.guardAccepted} / ${r.guardRejected} |`,
    ),
    '',
    `Ratios against the baseline: ${rows
      .slice(1)
      .map(
        (r) =>
          `${r.model} ${(base.macs / r.macs).toFixed(2)}x MACs, ${(base.effectiveMacs / r.effectiveMacs).toFixed(2)}x effective MACs, ` +
          `${(base.fileBytes / r.fileBytes).toFixed(2)}x bytes, latency ${(base.latencyB1MedianMs / r.latencyB1MedianMs).toFixed(2)}x`,
      )
      .join(
        '; ',
      )}. Unstructured models keep their dense shapes (zeros stored), so their bytes and latency do not shrink here.`,
    '',
    '## Goals',
    '',
    ...doc.goals.map(
      (g) =>
        `- \`${g.name}\`: ${g.value.toFixed(4)} (target ${g.op} ${g.target}) — ${goalMet(g) ? 'met' : 'MISSED'}`,
    ),
    '',
    '## Guard logs',
    '',
    ...logs.flatMap((l, i) => (l ? [guardTable(rows[i].model, l), ''] : [])),
  ].join('\n');
}
