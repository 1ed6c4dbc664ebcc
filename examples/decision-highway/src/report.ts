/** results.md: the run's table, goals and guard logs, from the results document. */
import { goalMet, type ResultDoc } from '@prunekit/core';
import { ratioCell, searchLogLines } from '@prunekit/example-kit';
import type { ClosedLoopVerdict, GuardLog, SearchStep } from '@prunekit/pruners';
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
  search: readonly SearchStep[],
): string {
  const env = doc.env;
  const base = rows[0];
  const cl = env.closedLoopTest as {
    scenarios: number;
    batch: number;
    cap: number;
    egosPerWorld: number;
    hardBrake: { threshold: number; window: number };
    test: string;
    confidence: number;
    sequential: ClosedLoopVerdict;
    structured: ClosedLoopVerdict;
  };
  const seq = cl.sequential;
  return [
    `# ${doc.name} — results`,
    '',
    `Node ${env.node}, ${env.cores} × ${env.cpu}, backend '${env.backend}', seed ${env.seed}; pipeline ${(env.pipelineSeconds as number).toFixed(1)} s ` +
      `(1-minute load average at start ${(env.loadAverage1m as number).toFixed(2)} — the machine is shared, latency is noisy).`,
    '',
    "Agreement = the policy picks the expert's action; brake recall = of the states where the expert brakes, the share where the policy brakes. " +
      `Offline figures are on the test demonstrations; closed loop = the policy drives the first ${cl.egosPerWorld} vehicles of each test world, the expert the rest ` +
      `(the expert in those seats: ${expert.collisionsPer1000Km.toFixed(2)} collisions / 1,000 km over ${expert.km.toFixed(1)} km). ` +
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
    '## Closed loop: paired comparison with the baseline',
    '',
    `The structured model is judged by the guard's sequential design on the test highways: it and the baseline drive ${cl.batch} more worlds a look ` +
      `(scenario seeds shared) until the collision ratio's interval decides against ${seq.events[0].maxRatio}, at most ${cl.cap} worlds (${seq.looks} looks, each at the ` +
      `Bonferroni-corrected ${+(100 * seq.lookConfidence).toFixed(2)}% confidence); 'undecided' at the cap counts as missed. ` +
      `This run stopped after ${cl.scenarios} worlds (look ${Math.ceil(cl.scenarios / cl.batch)}): those are the baseline's and the structured model's rows below; the other rows and the expert drive the first look's ${cl.batch} worlds, compared with the baseline there. ` +
      `The first ${cl.egosPerWorld} vehicles of each world are driven by the policy ` +
      `(one batched forward pass per step), the rest by the expert. Ratios in the table are rate(model) / rate(baseline) with a fixed-sample ${100 * cl.confidence}% interval ` +
      `from the ${cl.test === 'poisson-exact' ? 'exact conditional Poisson test (Clopper-Pearson on k_model / (k_model + k_baseline), scaled by the exposures)' : 'paired bootstrap (2,000 resamples of whole worlds, percentile interval; keeps the pairing and crashes that cluster in one world)'}; ` +
      'the exact conditional Poisson upper bound is beside it. Near miss: time to collision with the leader below the threshold (once per encounter); cut-in: a lane change that makes the new follower brake harder than 4 m/s²; off-road: a request for a lane that does not exist; ' +
      `hard brake: the ego's own mean deceleration over ${cl.hardBrake.window} s above ${cl.hardBrake.threshold} m/s² (once per braking; reported, not guarded).`,
    '',
    '| model | worlds | km driven | collisions | collisions / 1,000 km | collision ratio (95% CI) | Poisson upper 95% | hard brakes | hard brakes / 1,000 km | hard-brake ratio (95% CI) | near misses / 1,000 km (ratio upper) | cut-ins / 1,000 km (ratio upper) | off-road / 1,000 km |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.worlds} | ${r.closedLoopKm.toFixed(0)} | ${Math.round((r.collisionsPer1000Km * r.closedLoopKm) / 1000)} | ${r.collisionsPer1000Km.toFixed(2)} | ` +
        `${ratioCell(r.collisionRatio, r.collisionRatioLower95, r.collisionRatioUpper95)} | ${r.collisionRatioPoissonUpper95.toFixed(3)} | ` +
        `${r.hardBrakes} | ${r.hardBrakesPer1000Km.toFixed(2)} | ${ratioCell(r.hardBrakeRatio, r.hardBrakeRatioLower95, r.hardBrakeRatioUpper95)} | ` +
        `${r.nearMissesPer1000Km.toFixed(2)} (${r.nearMissRatioUpper95.toFixed(2)}) | ${r.cutInsPer1000Km.toFixed(2)} (${r.cutInRatioUpper95.toFixed(2)}) | ${r.offRoadPer1000Km.toFixed(2)} |`,
    ),
    '',
    `Sequential test of the structured model (the goal \`collision_rate_ratio_upper95\`): ${seq.message}.`,
    '',
    `The same worlds at the fixed-sample ${100 * cl.confidence}% confidence (the table's row): ${cl.structured.message}.`,
    '',
    'The structured model was fine-tuned by distillation from the baseline inside the search, the unstructured ones by the plain fine-tune; ' +
      'the baseline itself had no fine-tune on the fresh demonstrations, so part of any gain over it is that extra training, not pruning (there is no fine-tuned-baseline control here).',
    '',
    ...searchLogLines(
      search,
      'Each candidate cut is driven against the baseline on validation highways (sequential looks, Bonferroni-corrected); while the guard does not pass it is fine-tuned, then trained on the states where the two policies chose differently (DAgger, expert labels), and checked again; then the next candidate.',
    ),
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
