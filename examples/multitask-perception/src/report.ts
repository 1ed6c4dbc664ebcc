/** results.md: the run's table, per-class lane IoU and goals, from the results document. */
import { goalMet, type ResultDoc } from '@prunekit/core';
import type { ModelRow } from './pipeline.js';

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const int = (v: number) => Math.round(v).toLocaleString('en-US');

function why(doc: ResultDoc, rows: readonly ModelRow[]): string[] {
  const missed = doc.goals.filter((g) => !goalMet(g));
  if (missed.length === 0) return ['All goals met.'];
  const st = rows.find((r) => r.model === doc.env.goalModel)!;
  const base = rows[0];
  const lines = [`Missed: ${missed.map((g) => `\`${g.name}\``).join(', ')}.`];
  if (st.signAccuracy < base.signAccuracy)
    lines.push(
      `The sign head lost ${(100 * (base.signAccuracy - st.signAccuracy)).toFixed(2)} points (${pct(st.signAccuracyPruned)} right after ` +
        `pruning, ${pct(st.signAccuracy)} after ${st.finetuneEpochs} fine-tuning epochs).`,
    );
  if (st.laneMIoU < base.laneMIoU)
    lines.push(
      `The lane head lost ${pct((base.laneMIoU - st.laneMIoU) / base.laneMIoU)} of its mIoU (${pct(st.laneMIoUPruned)} right after ` +
        `pruning, ${pct(st.laneMIoU)} after fine-tuning).`,
    );
  lines.push(
    `At ${(base.macs / st.macs).toFixed(2)}x fewer MACs the model keeps ${((100 * st.params) / base.params).toFixed(0)}% of the ` +
      `parameters, and fine-tuning (recipe finetune.structured: ${st.finetuneEpochs} epochs on the fine-tuning scenes) is what \`start\` ` +
      "can afford in minutes, a fraction of the baseline's own training; a longer fine-tune or a wider baseline are the first things to try.",
  );
  return [lines.join(' ')];
}

export function renderMarkdown(
  doc: ResultDoc,
  rows: readonly ModelRow[],
  laneNames: readonly string[],
): string {
  const env = doc.env;
  const base = rows[0];
  return [
    `# ${doc.name} — results`,
    '',
    `Node ${env.node}, ${env.cores} × ${env.cpu}, backend '${env.backend}', seed ${env.seed}; pipeline ${(env.pipelineSeconds as number).toFixed(1)} s ` +
      `(1-minute load average at start ${(env.loadAverage1m as number).toFixed(2)} — the machine is shared, latency is noisy).`,
    '',
    `One shared backbone, two heads, measured on ${env.testScenes} test scenes: sign accuracy (${env.signClasses} classes) and lane mIoU ` +
      `(mean IoU over ${laneNames.join(', ')}). "pruned" = right after pruning, "tuned" = after fine-tuning with both losses ` +
      '(best validation epoch). Latency: one scene per call (batch 1, both outputs read) on wasm, models timed round-robin.',
    '',
    '| model | channel ratio / sparsity | params (nonzero) | MACs (effective) | file bytes | sign acc pruned → tuned | lane mIoU pruned → tuned | latency b1 median / p99 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.method === 'none' ? '—' : r.level} | ${int(r.params)} (${int(r.nonzeroParams)}) | ${int(r.macs)} (${int(r.effectiveMacs)}) | ` +
        `${int(r.fileBytes)} | ${pct(r.signAccuracyPruned)} → ${pct(r.signAccuracy)} | ${pct(r.laneMIoUPruned)} → ${pct(r.laneMIoU)} | ` +
        `${r.latencyB1MedianMs.toFixed(3)} / ${r.latencyB1P99Ms.toFixed(3)} |`,
    ),
    '',
    `Against the baseline: ${rows
      .slice(1)
      .map(
        (r) =>
          `${r.model} ${(base.macs / r.macs).toFixed(2)}x MACs (${(base.effectiveMacs / r.effectiveMacs).toFixed(2)}x effective), ` +
          `${(base.fileBytes / r.fileBytes).toFixed(2)}x bytes, latency ${(base.latencyB1MedianMs / r.latencyB1MedianMs).toFixed(2)}x, ` +
          `sign ${(100 * (r.signAccuracy - base.signAccuracy)).toFixed(2)} pts, lane mIoU ${((100 * (r.laneMIoU - base.laneMIoU)) / base.laneMIoU).toFixed(2)}% rel`,
      )
      .join(
        '; ',
      )}. Unstructured models keep their dense shapes (zeros stored), so their bytes and latency do not shrink here.`,
    '',
    '## Lane IoU per class (tuned)',
    '',
    `| model | ${laneNames.join(' | ')} |`,
    `| --- | ${laneNames.map(() => '---:').join(' | ')} |`,
    ...rows.map((r) => `| ${r.model} | ${r.laneIoU.map(pct).join(' | ')} |`),
    '',
    '## Goals',
    '',
    `Measured on \`${env.goalModel}\`. \`metric_rel_drop_structured\` is the worse of the two heads' relative drops ` +
      '((before − after) / before of sign accuracy and of lane mIoU).',
    '',
    ...doc.goals.map(
      (g) =>
        `- \`${g.name}\`: ${g.value.toFixed(4)} (target ${g.op} ${g.target}) — ${goalMet(g) ? 'met' : 'MISSED'}`,
    ),
    '',
    ...why(doc, rows),
  ].join('\n');
}
