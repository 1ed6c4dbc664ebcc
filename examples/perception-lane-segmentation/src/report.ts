/** results.md: the run's table, goals and the structured pruner's per-layer report, from the results document. */
import { goalMet, type ResultDoc } from '@prunekit/core';
import type { ModelRow } from './row.js';

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const int = (v: number) => v.toLocaleString('en-US');
const ms = (v: number) => v.toFixed(3);

/** One sentence on why a missed goal was missed, from the figures themselves. */
function whyMissed(name: string, base: ModelRow, st: ModelRow): string {
  if (name.startsWith('macs_reduction')) {
    return 'the channel pruner could not reach the target before the bisection bound (ratio 0.9).';
  }
  const recovered = 100 * (st.miou - st.miouPruned);
  return (
    `pruning cost ${(100 * (base.miou - st.miouPruned)).toFixed(2)} points of mIoU and fine-tuning (${st.finetuneEpochs} epochs, epoch ${st.finetuneKeptEpoch} kept) ` +
    `won back ${recovered.toFixed(2)}; the thin lane-marking class (IoU ${pct(base.iouMarking)} → ${pct(st.iouMarking)}) is where ` +
    'a narrower decoder loses most — more fine-tuning scenes or epochs, or distillation from the baseline, are the levers.'
  );
}

export function renderMarkdown(doc: ResultDoc, rows: readonly ModelRow[], structuredReport: string): string {
  const env = doc.env;
  const base = rows[0];
  const st = rows[1];
  const image = env.image as number[];
  return [
    `# ${doc.name} — results`,
    '',
    `Measured by \`pnpm start\` in ${(env.pipelineSeconds as number).toFixed(1)} s on ${env.cores} cores (${env.cpu}), Node ${env.node}, ` +
      `tfjs backend '${env.backend}', seed ${env.seed}. The machine is shared (load ${(env.loadAverage1m as number).toFixed(2)} when the run began): ` +
      'take the latencies as indicative.',
    '',
    `Per-pixel segmentation of ${image[0]}×${image[1]} road scenes into background / drivable / lane-marking. Figures on ` +
      `${env.testScenes} test scenes: IoU per class, mIoU (their mean), and the safety figure, road false positives = the share of ` +
      'background pixels (verge, sky, vehicles) predicted as drivable or marking. Pruned models were fine-tuned on ' +
      `${env.finetuneScenes} other scenes with their masks kept, keeping the epoch with the best mIoU on ${env.valScenes} validation scenes. Latency: one scene per call (batch 1) on wasm, models timed round-robin.`,
    '',
    '| model | params (nonzero) | MACs (effective) | file bytes | mIoU pruned → fine-tuned | IoU bg / drivable / marking | pixel acc. | road FP | latency b1 median / p99 ms | fine-tune epochs, kept (s) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${int(r.params)} (${int(r.nonzeroParams)}) | ${int(r.macs)} (${int(Math.round(r.effectiveMacs))}) | ${int(r.fileBytes)} | ` +
        `${pct(r.miouPruned)} → ${pct(r.miou)} | ${pct(r.iouBackground)} / ${pct(r.iouDrivable)} / ${pct(r.iouMarking)} | ${pct(r.pixelAccuracy)} | ` +
        `${pct(r.roadFalsePositiveRate)} | ${ms(r.latencyB1MedianMs)} / ${ms(r.latencyB1P99Ms)} | ${r.finetuneEpochs}, ${r.finetuneKeptEpoch} (${r.finetuneSeconds.toFixed(1)}) |`,
    ),
    '',
    'Against the baseline (baseline ÷ model; mIoU change in points). Unstructured models keep their dense shapes with the zeros stored, ' +
      'so their bytes and latency stay where they were; only surgery makes the model itself smaller.',
    '',
    '| model | MACs | effective MACs | bytes | latency b1 | mIoU change |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.slice(1).map((r) => {
      const x = (b: number, v: number) => `${(b / v).toFixed(2)}×`;
      return `| ${r.model} | ${x(base.macs, r.macs)} | ${x(base.effectiveMacs, r.effectiveMacs)} | ${x(base.fileBytes, r.fileBytes)} | ${x(base.latencyB1MedianMs, r.latencyB1MedianMs)} | ${(100 * (r.miou - base.miou)).toFixed(2)} |`;
    }),
    '',
    '## Goals',
    '',
    ...doc.goals.map(
      (g) =>
        `- \`${g.name}\`: ${g.value.toFixed(4)} (target ${g.op} ${g.target}) — ${goalMet(g) ? 'met' : `MISSED: ${whyMissed(g.name, base, st)}`}`,
    ),
    '',
    `## Structured pruning per layer (${st.model})`,
    '',
    '```',
    structuredReport,
    '```',
  ].join('\n');
}
