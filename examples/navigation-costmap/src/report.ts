/** results.md: the run's table, goals and guard logs, rendered from the results document. */
import { goalMet, type ResultDoc } from '@prunekit/core';
import { ratioCell, type SearchStepLike, searchLogLines } from '@prunekit/example-kit';
import type { ClosedLoopVerdict, GuardLog } from '@prunekit/pruners';
import type { ModelRow } from './pipeline.js';
import type { Recipe } from './recipe.js';

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const int = (v: number) => v.toLocaleString('en-US');

function guardLines(name: string, g: GuardLog): string[] {
  return [
    `Guard on \`${name}\`: ${g.metric} on validation maps after the recovery fine-tune, at most ${pct(g.maxDrop)} above the reference ` +
      `${pct(g.reference)}; after pruning ${pct(g.final)}.`,
    '',
    '| step | round | removed | value | worse by | decision |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...g.steps.map(
      (s) =>
        `| ${s.kind} ${s.layers.join('+')} | ${s.round} | ${s.removed} | ${pct(s.value)} | ${(100 * s.drop).toFixed(2)} pts | ${s.accepted ? 'kept' : 'rolled back'} |`,
    ),
    '',
  ];
}

export function renderMarkdown(
  doc: ResultDoc,
  rows: readonly ModelRow[],
  logs: readonly (GuardLog | undefined)[],
  r: Recipe,
  search: readonly SearchStepLike[],
): string {
  const cl = doc.env.closedLoopTest as {
    test: string;
    confidence: number;
    batch: number;
    cap: number;
    sequential: ClosedLoopVerdict;
    structured: ClosedLoopVerdict;
  };
  const maps = int(doc.env.testEpisodes as number);
  const seq = cl.sequential.events[0];
  const env = doc.env;
  const base = rows[0];
  const paired = env.pairedSuccessStructured as { lost: number; won: number; sePoints: number };
  return [
    `# ${doc.name} — results`,
    '',
    `Node ${env.node}, ${env.cores} × ${env.cpu}, backend '${env.backend}', seed ${env.seed}; pipeline ` +
      `${(env.pipelineSeconds as number).toFixed(1)} s (1-minute load average at start ${(env.loadAverage1m as number).toFixed(2)}; ` +
      'the machine is shared, so latency is noisy).',
    '',
    `Closed loop: the baseline and the structured model drive ${maps} held-out maps (as many as the sequential test below needed), ` +
      `the other rows the first ${int(rows[2]?.maps ?? 0)} of them, from start to goal; a move into an obstacle, off the map ` +
      `or across a corner is a collision and ends the episode; the step limit is ${r.closedLoop.stepLimit} × the A* path's steps. ` +
      `The A* expert itself reaches ${pct(env.expertSuccessRate as number)} (first ${int(env.expertEpisodes as number)} maps). Length ratio = driven octile length / A* length over ` +
      "successful episodes. Agreement = share of states where the policy picks the expert's heading (offline: test demonstrations; " +
      'closed loop: the states the policy visits). Latency: one window per call (batch 1) on wasm, models timed round-robin.',
    '',
    '| model | params (nonzero) | MACs (effective) | file bytes | success | collisions | timeouts | length ratio | revisits / episode | agreement offline / closed loop | guard value → test collisions | latency b1 median / p99 ms | guard kept / rolled back | fine-tune epochs |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (x) =>
        `| ${x.model} | ${int(x.params)} (${int(x.nonzeroParams)}) | ${int(x.macs)} (${int(Math.round(x.effectiveMacs))}) | ${int(x.fileBytes)} | ` +
        `${pct(x.successRate)} | ${pct(x.collisionRate)} | ${pct(x.timeoutRate)} | ${x.lengthRatio.toFixed(3)} | ${x.revisitsPerEpisode.toFixed(3)} | ` +
        `${pct(x.testAgreement)} / ${pct(x.closedLoopAgreement)} | ${pct(x.valCollisionPruned)} → ${pct(x.collisionRate)} | ` +
        `${x.latencyB1MedianMs.toFixed(3)} / ${x.latencyB1P99Ms.toFixed(3)} | ${x.guardAccepted} / ${x.guardRejected} | ${x.finetuneEpochs} |`,
    ),
    '',
    `Against the baseline: ${rows
      .slice(1)
      .map(
        (x) =>
          `${x.model} ${(base.macs / x.macs).toFixed(2)}x MACs, ${(base.effectiveMacs / x.effectiveMacs).toFixed(2)}x effective MACs, ` +
          `${(base.fileBytes / x.fileBytes).toFixed(2)}x bytes, latency ${(base.latencyB1MedianMs / x.latencyB1MedianMs).toFixed(2)}x`,
      )
      .join(
        '; ',
      )}. Unstructured models keep their dense shapes (zeros stored), so their bytes and latency do not shrink here.`,
    '',
    `Paired on the same maps, the structured model lost ${paired.lost} episodes the baseline reached and reached ${paired.won} the ` +
      `baseline did not: the success-rate difference has a standard error of about ${paired.sePoints.toFixed(2)} points at this size.`,
    '',
    'Fine-tuning (every pruned model, and `baseline-finetuned`, the unpruned policy as a control) distils from the baseline on the ' +
      'fine-tuning demonstrations plus the states that model itself visits on other fine-tuning maps, labelled by the expert ' +
      `(DAgger, ${r.finetune.daggerRounds} round(s) of ${r.finetune.epochs} epochs). The baseline never had that extra data, so part of ` +
      'what fine-tuning wins back is DAgger rather than ' +
      `recovered capacity: the control reaches ${pct(env.finetunedBaselineSuccessRate as number)} success. The goals compare with ` +
      'the committed baseline, the model that was pruned.',
    '',
    '## Closed loop: paired comparison with the baseline',
    '',
    `How many maps: the structured model and the baseline drive ${int(cl.batch)} more test maps per look until the collision ratio's ` +
      `interval decides against the allowed ${r.safety.maxRatio} (pass: upper end at most that; fail: lower end above it), at most ` +
      `${int(cl.cap)} maps (${cl.sequential.looks} looks, each at ${+(100 * cl.sequential.lookConfidence).toFixed(2)}% so that the ` +
      `overall level stays ${100 * cl.confidence}%); at the cap it is 'undecided', a missed goal. Here: ` +
      `**${cl.sequential.decision}** after ${int(cl.sequential.scenarios)} maps, ratio ${seq.interval.ratio.toFixed(3)}, ` +
      `${+(100 * cl.sequential.lookConfidence).toFixed(2)}% CI ${seq.interval.lower.toFixed(3)}–${seq.interval.upper.toFixed(3)} ` +
      `(the goal's figure; fixed-sample 95% on the same maps ${seq.nominal.lower.toFixed(3)}–${seq.nominal.upper.toFixed(3)}).`,
    '',
    'Every row is compared with the baseline on the maps it drove (its `maps` column). Collision ratio = collision rate(model) / collision rate(baseline) with a ' +
      `${100 * cl.confidence}% interval from the ${cl.test === 'poisson-exact' ? 'exact conditional Poisson test' : 'paired bootstrap (2,000 resamples of whole maps, percentile interval: it keeps the pairing, and most collisions happen on maps both models fail)'}; ` +
      'the exact conditional Poisson upper bound (which ignores the pairing) is beside it. ' +
      'Near miss (reported, not guarded): after a move, no legal step ahead on the same heading (time to collision under one step), once per encounter.',
    '',
    '| model | maps | collisions | collision rate | collision ratio (95% CI) | Poisson upper 95% | near misses / 100 maps | near-miss ratio (95% CI) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (x) =>
        `| ${x.model} | ${int(x.maps)} | ${x.collisions} | ${pct(x.collisionRate)} | ${ratioCell(x.collisionRatio, x.collisionRatioLower95, x.collisionRatioUpper95)} | ${x.collisionRatioPoissonUpper95.toFixed(3)} | ${x.nearMissesPer100.toFixed(2)} | ${ratioCell(x.nearMissRatio, x.nearMissRatioLower95, x.nearMissRatioUpper95)} |`,
    ),
    '',
    `Sequential test on the test maps: ${cl.sequential.message}.`,
    '',
    `Fixed-sample comparison on the same maps: ${cl.structured.message}.`,
    '',
    ...searchLogLines(
      search,
      'Each candidate cut is rolled out against the baseline on validation maps the offline guard never used (sequential looks, Bonferroni-corrected); while the guard does not pass it is fine-tuned (distillation + DAgger), then trained on the states where the two policies chose differently (A* labels), and checked again; then the next candidate.',
    ),
    '## Goals',
    '',
    ...doc.goals.map(
      (g) =>
        `- \`${g.name}\`: ${g.value.toFixed(4)} (target ${g.op} ${g.target}) — ${goalMet(g) ? 'met' : 'MISSED'}`,
    ),
    '',
    '`success_drop_points_structured` is in points of success rate; `collision_rate_drop_structured` is how much the collision ' +
      'rate rose (a fraction; negative = fewer collisions).',
    '',
    '## Guard logs',
    '',
    ...logs.flatMap((l, i) => (l ? guardLines(rows[i].model, l) : [])),
  ].join('\n');
}
