/**
 * Object detection for a street camera, end to end on a real converted model: CenterNet
 * (@vladmandic/human 3.3.6) pruned structurally without labels — channel statistics on training
 * photos, channels ranked by consumerEnergy, per-group ratios from each group's measured damage
 * (sensitivity-greedy, to a MAC target), removed channels' means folded into the consumers' biases —
 * then recovered by label-free distillation from the unpruned model ('peak' loss on the class
 * heatmap, l1 on sizes/offsets) on crops of training photos, evaluated at 512×512 on held-out photos
 * (detection agreement per class), timed on wasm at batch 1 (dense and pruned in the same run,
 * round-robin), file bytes. Writes results.json and results.md.
 *
 *   pnpm --filter @prunekit/example-perception-object-detection start [--quick] [--macs 0.55,0.7,0.85]
 *     [--levels 0.3,0.6] [--epochs 2] [--crops 1] [--lr 1e-5] [--runs 11]
 */
import { mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createRng, type Goal, roundRobinLatency } from '@prunekit/core';
import { arg, runMain, startBackend, timedLog, writeResults } from '@prunekit/example-kit';
import { adam, cosineLr } from '@prunekit/finetune';
import {
  analyzeGraphChannels,
  buildGraphModelGraph,
  distillGraphModel,
  type GraphModelSource,
  graphModelBytes,
  channelStats,
  contractedTensors,
  toTfGraphModel,
} from '@prunekit/graph-model';
import { loadGraphModelFile, saveGraphModel } from '@prunekit/graph-model/node';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // tfjs's gradients
import { type Agreement, agreement } from './agreement.js';
import { type Detection, detect, STREET_CLASSES } from './detections.js';
import { withInputSize } from './input_size.js';
import { centernetPath, loadPhotoSets, type Photo, toInput, videoFrames } from './photos.js';
import { macsOf, pruneCompensated, rankChannels, sensitivityPlan } from './sensitivity.js';

const ROOT = join(import.meta.dirname, '..');
const CACHE = join(ROOT, '.cache');
const CROP = 192;
/** Frames between the training and held-out segments: validation loss for early stopping only. */
const VALIDATION_FRAMES = [552, 564, 576];

/** Seeded random 256×256 crops (and mirror images) of the photos resized to 512×512. */
function crops(photos: readonly Photo[], perPhoto: number, seed: number): tf.Tensor4D {
  const rng = createRng(seed);
  return tf.tidy(() => {
    const out: tf.Tensor3D[] = [];
    for (const p of photos) {
      const full = tf.squeeze(toInput(p, 512), [0]) as tf.Tensor3D;
      for (let k = 0; k < perPhoto; k++) {
        const y = Math.floor(rng.next() * (512 - CROP + 1));
        const x = Math.floor(rng.next() * (512 - CROP + 1));
        const c = tf.slice(full, [y, x, 0], [CROP, CROP, 3]) as tf.Tensor3D;
        out.push(rng.next() < 0.5 ? c : (tf.reverse(c, 1) as tf.Tensor3D));
      }
    }
    return tf.stack(out) as tf.Tensor4D;
  });
}

async function detectAll(source: GraphModelSource, photos: readonly Photo[]): Promise<Detection[][]> {
  const model = await toTfGraphModel(source);
  try {
    return photos.map((p) => {
      const x = toInput(p, 512);
      try {
        return detect(model, x);
      } finally {
        x.dispose();
      }
    });
  } finally {
    model.dispose();
  }
}

const fmt = (v: number | null, d = 3) => (v === null ? '–' : v.toFixed(d));

function classTable(before: Agreement, after: Agreement): string {
  const lines = [
    '| class | dense boxes | pruned boxes (before → after) | F1 before distillation | F1 after |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const c of STREET_CLASSES) {
    const b = before.perClass[c];
    const a = after.perClass[c];
    lines.push(
      `| ${c} | ${a.denseBoxes} | ${b.prunedBoxes} → ${a.prunedBoxes} | ${fmt(b.f1)} | ${fmt(a.f1)} |`,
    );
  }
  lines.push(
    `| **all eight** | ${after.all.denseBoxes} | ${before.all.prunedBoxes} → ${after.all.prunedBoxes} | ${fmt(before.all.f1)} | **${fmt(after.all.f1)}** |`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  // The first MAC target is distilled and timed; the others are curve points (pruned, not distilled).
  const targets = (arg('macs') ?? '0.55,0.7,0.85').split(',').map(Number);
  const targetMacs = targets[0];
  const levels = (arg('levels') ?? '0.3,0.6').split(',').map(Number);
  const epochs = Number(arg('epochs') ?? (quick ? 1 : 2));
  const perPhoto = Number(arg('crops') ?? 1);
  const runs = Number(arg('runs') ?? (quick ? 3 : 11));
  const lr = Number(arg('lr') ?? 1e-5);
  const { log, seconds } = timedLog();
  tf.env().set('PROD', true);
  const backend = await startBackend('wasm');
  if (backend !== 'wasm') throw new Error(`backend is ${backend}, wanted wasm`);
  const load0 = loadavg()[0];

  const sets = loadPhotoSets(CACHE, { quick });
  log(`photos: ${sets.heldOut.length} held out, ${sets.train.length} for training`);
  const dense = await loadGraphModelFile(centernetPath());
  const graph = await buildGraphModelGraph(dense);
  const analysis = analyzeGraphChannels(graph);
  // Training photos only: statistics on every 9th, sensitivity on every 35th (offset 17).
  const statPhotos = sets.train.filter((_, i) => i % (quick ? 3 : 9) === 0);
  const sensPhotos = sets.train.filter((_, i) => i % (quick ? 5 : 35) === (quick ? 1 : 17));
  const statIn = tf.tidy(() => tf.concat(statPhotos.map((p) => toInput(p, 512))));
  const stats = await channelStats(dense, statIn, contractedTensors(graph));
  statIn.dispose();
  const order = await rankChannels(graph, analysis, stats);
  log(`channel statistics on ${statPhotos.length} training photos (${stats.size} conv inputs)`);
  const sensIn = sensPhotos.map((p) => toInput(p, 512));
  const groups = quick ? analysis.groups.slice(0, 6) : analysis.groups;
  const sens = await sensitivityPlan(dense, { ...analysis, groups }, stats, order, sensIn, {
    levels,
    onGroup: (i, g) =>
      log(
        `  group ${i} ${g.group}: ${g.levels.map((l) => `${l.ratio}→${l.damage.toFixed(3)} (−${(l.macsSaved * 100).toFixed(1)}% MACs)`).join(', ')}`,
      ),
  });
  tf.dispose(sensIn);
  const macsDense = await macsOf(dense);
  graph.dispose();
  const denseDets = await detectAll(dense, sets.heldOut);
  const variants: {
    target: number;
    ratios: Record<string, number>;
    model: GraphModelSource;
    macs: number;
    removed: number;
    uncompensated: string[];
    before: Agreement;
  }[] = [];
  for (const target of targets) {
    const { allocation, plan } = await sens.planFor(target);
    const { model, uncompensated } = pruneCompensated(analysis, plan, stats);
    const macs = await macsOf(model);
    const removed = [...plan.values()].reduce((n, l) => n + l.length, 0);
    const before = agreement(denseDets, await detectAll(model, sets.heldOut), STREET_CLASSES);
    log(
      `target ${target}: ${allocation.ratios.size} groups cut, ${removed} channels; MACs ${(macsDense / 1e9).toFixed(2)} G → ${(macs / 1e9).toFixed(2)} G (${(macs / macsDense).toFixed(3)}); ${uncompensated.length} conv(s) without a bias uncompensated; F1 vs dense before distillation ${fmt(before.all.f1)} (${before.all.denseBoxes} dense boxes)`,
    );
    variants.push({
      target,
      ratios: Object.fromEntries(allocation.ratios),
      model,
      macs,
      removed,
      uncompensated,
      before,
    });
  }
  const { model: pruned, macs: macsPruned, removed, uncompensated, before, ratios } = variants[0];

  // Distillation at 256×256 on crops (same object scale as the 512 frames), evaluation at 512.
  const train = crops(sets.train, perPhoto, 1);
  const validation = crops(
    videoFrames(quick ? VALIDATION_FRAMES.slice(0, 1) : VALIDATION_FRAMES, CACHE),
    2,
    2,
  );
  log(
    `distilling on ${train.shape[0]} crops of ${CROP}×${CROP}, ${epochs} epoch(s), validation ${validation.shape[0]} crops`,
  );
  const steps = epochs * train.shape[0];
  const tuned = await distillGraphModel(withInputSize(pruned, CROP), {
    teacher: withInputSize(dense, CROP),
    inputs: train,
    validation,
    outputs: ['tower_0/wh', 'tower_0/keypoints'],
    losses: ['l1', 'peak'],
    epochs,
    batchSize: 1, // the converted graph fixes its batch at 1
    optimizer: adam({ lr }),
    lr: cosineLr({ lr, minLr: lr / 10, steps }),
    earlyStop: { patience: 2, restoreBest: true },
  });
  tf.dispose([train, validation]);
  // restoreBest keeps the best epoch; when no epoch beats the undistilled model, keep that one.
  const bestVal = Math.min(...tuned.history.map((h) => h.valLoss ?? Number.POSITIVE_INFINITY));
  const distilled = !(tuned.initialValLoss !== undefined && bestVal >= tuned.initialValLoss);
  const student = distilled ? withInputSize(tuned.model, 512) : pruned;
  if (!distilled) log('no epoch lowered the validation loss: the undistilled pruned model is kept');
  const after = agreement(denseDets, await detectAll(student, sets.heldOut), STREET_CLASSES);
  log(
    `held-out-free validation loss ${tuned.initialValLoss?.toFixed(3)} → ${tuned.history.at(-1)?.valLoss?.toFixed(3)}; F1 vs dense after distillation: ${fmt(after.all.f1)} (${after.all.prunedBoxes} pruned boxes)`,
  );

  // Latency: the whole model (heads and its decoding), batch 1, 512×512, round-robin in one run.
  const models = [dense, student, ...variants.slice(1).map((v) => v.model)];
  const tfModels: Awaited<ReturnType<typeof toTfGraphModel>>[] = [];
  for (const m of models) tfModels.push(await toTfGraphModel(m));
  const x = toInput(sets.heldOut[0], 512);
  const [ld, lp, ...lc] = roundRobinLatency(tfModels, x, runs, 3);
  x.dispose();
  for (const m of tfModels) m.dispose();
  const speedup = ld.medianMs / lp.medianMs;
  log(
    `wasm latency: dense ${ld.medianMs.toFixed(0)} ms, pruned ${lp.medianMs.toFixed(0)} ms (${speedup.toFixed(2)}×); curve: ${lc.map((l, i) => `${variants[i + 1].target} → ${(ld.medianMs / l.medianMs).toFixed(2)}×`).join(', ')}`,
  );
  const curve = variants.map((v, i) => ({
    targetMacs: v.target,
    macsFraction: v.macs / macsDense,
    channelsRemoved: v.removed,
    speedupWasm: ld.medianMs / (i === 0 ? lp : lc[i - 1]).medianMs,
    medianMs: (i === 0 ? lp : lc[i - 1]).medianMs,
    f1BeforeDistillation: v.before.all.f1,
    f1AfterDistillation: i === 0 ? after.all.f1 : null,
    ratios: v.ratios,
  }));

  const out = join(CACHE, 'centernet-pruned');
  mkdirSync(out, { recursive: true });
  await saveGraphModel(student, out, { overwrite: true });
  const bytesDense = graphModelBytes(dense);
  const bytesPruned = graphModelBytes(student);
  const load1 = loadavg()[0];

  const f1 = after.all.f1;
  const goals: Goal[] = [
    { name: 'latency_speedup_wasm', value: speedup, target: 1.5, op: '>=' },
    { name: 'detection_f1_vs_dense', value: f1 ?? Number.NaN, target: 0.9, op: '>=' },
    { name: 'file_ratio', value: bytesPruned / bytesDense, target: 1, op: '<=' },
  ];
  const doc = {
    name: quick ? 'perception-object-detection-quick' : 'perception-object-detection',
    env: {
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      backend: tf.getBackend(),
      loadAtStart: load0,
      loadAtEnd: load1,
    },
    rows: [
      { model: 'dense', medianMs: ld.medianMs, p99Ms: ld.p99Ms, macs: macsDense, fileBytes: bytesDense },
      {
        model: `structured to ${targetMacs} MACs + distilled`,
        ratios,
        medianMs: lp.medianMs,
        p99Ms: lp.p99Ms,
        macs: macsPruned,
        fileBytes: bytesPruned,
        distilled,
        f1BeforeDistillation: before.all.f1,
        f1: f1,
        perClass: after.perClass,
        perClassBefore: before.perClass,
      },
    ],
    photos: {
      heldOut: sets.heldOut.map((p) => ({ name: p.name, source: p.source })),
      train: sets.train.map((p) => p.name),
    },
    curve,
    plan: {
      targetMacs,
      levels,
      statPhotos: statPhotos.map((p) => p.name),
      sensitivityPhotos: sensPhotos.map((p) => p.name),
      sensitivity: sens.table,
      channelsRemoved: removed,
      uncompensated,
    },
    distillation: {
      crops: steps / epochs,
      cropSide: CROP,
      epochs: tuned.history.length,
      initialValLoss: tuned.initialValLoss,
      history: tuned.history,
      losses: tuned.losses,
    },
    latencyRuns: runs,
    seconds: seconds(),
    goals,
  };
  const md = [
    `# perception-object-detection${quick ? ' (--quick)' : ''}`,
    '',
    `CenterNet (@vladmandic/human 3.3.6) pruned to ${(macsPruned / macsDense).toFixed(3)} of its MACs (target ${targetMacs}; consumerEnergy ranking, sensitivity-greedy per-group ratios on ${sensPhotos.length} training photos, mean compensation; ${removed} channels removed), label-free distillation on ${steps / epochs} crops of ${CROP}×${CROP} (${tuned.history.length} epoch(s)), evaluated at 512×512 on ${sets.heldOut.length} held-out photos. Agreement with the dense model: same class, IoU ≥ 0.5, score ≥ 0.3. Load ${load0.toFixed(1)} → ${load1.toFixed(1)} on ${cpus().length} cores; ${seconds().toFixed(0)} s.`,
    '',
    classTable(before, after),
    '',
    '| model | wasm median ms | p99 ms | MACs | file bytes |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| dense | ${ld.medianMs.toFixed(0)} | ${ld.p99Ms.toFixed(0)} | ${(macsDense / 1e9).toFixed(2)} G | ${bytesDense} |`,
    `| pruned + distilled | ${lp.medianMs.toFixed(0)} | ${lp.p99Ms.toFixed(0)} | ${(macsPruned / 1e9).toFixed(2)} G | ${bytesPruned} |`,
    '',
    '| goal | value | target | met |',
    '| --- | ---: | ---: | --- |',
    ...goals.map(
      (g) =>
        `| ${g.name} | ${Number.isFinite(g.value) ? g.value.toFixed(3) : 'not measured'} | ${g.op} ${g.target} | ${(g.op === '>=' ? g.value >= g.target : g.value <= g.target) ? 'yes' : 'no'} |`,
    ),
  ].join('\n');
  if (quick) {
    // --quick checks the pipeline; it does not overwrite the committed full-run results.
    process.stdout.write(`${md}\n`);
    return;
  }
  await writeResults(ROOT, doc, md);
}

runMain(main);
