/**
 * One pruning session in the worker: the dense model and its task, the pruned variant, the
 * fine-tuned one. Every figure the page shows is measured here, on the test set of the task.
 */
import { type MaskSet, type ParamInfo, computeMetrics } from '@prunekit/core';
import { cosineLr, distill, fineTune } from '@prunekit/finetune';
import { artifactsToFiles, buildGraph, cloneModel, modelArtifacts } from '@prunekit/layers';
import {
  channelPruner,
  deadlinePrune,
  measureLatency,
  nmPruner,
  unstructuredPruner,
} from '@prunekit/pruners';
import { channelsOf, runFromMetrics } from '@prunekit/report';
import { magnitude } from '@prunekit/scorers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { activate } from './backends.js';
import type {
  BackendName,
  DeadlineOutcome,
  EpochPoint,
  ExportFile,
  ExportResult,
  FineTuneRequest,
  PruneRequest,
  Stage,
  StageResult,
} from './protocol.js';
import { predictClasses, type Task } from './tasks.js';

/** Whether a kernel's inputs per output channel divide into groups of `m` (N:M needs it). */
function fitsNm(p: ParamInfo, m: number): boolean {
  const size = p.shape.reduce((a, b) => a * b, 1);
  return (size / p.shape[p.outAxis ?? p.shape.length - 1]) % m === 0;
}

const STAGE_NAMES: Record<Stage, string> = { dense: 'dense', pruned: 'pruned', tuned: 'fine-tuned' };

/** The model's stock tfjs files (model.json + shards), as saveModel would write them. */
export async function modelFiles(model: tfl.LayersModel): Promise<ExportFile[]> {
  const files = artifactsToFiles(await modelArtifacts(model));
  return [...files].map(([name, body]) => ({
    name,
    bytes: typeof body === 'string' ? new TextEncoder().encode(body) : body.slice(),
  }));
}

export interface SessionOptions {
  /** The backend everything in this worker runs on. */
  readonly backend: BackendName;
}

export class Session {
  pruned?: tfl.LayersModel;
  tuned?: tfl.LayersModel;
  private masks?: MaskSet;
  private level = 0;
  private method = 'dense';
  private deadline?: DeadlineOutcome;

  constructor(
    readonly dense: tfl.LayersModel,
    readonly task: Task,
    readonly opts: SessionOptions,
  ) {}

  async useMain(): Promise<void> {
    if (!(await activate(this.opts.backend))) {
      throw new Error(`The '${this.opts.backend}' backend stopped working (active: '${tf.getBackend()}').`);
    }
  }

  async measure(stage: Stage, model: tfl.LayersModel): Promise<StageResult> {
    await this.useMain();
    const { test, gallery, info } = this.task;
    const predictions = await predictClasses(model, test.x);
    const metric = this.task.score(predictions, test.truth);
    const probe = tf.tidy(() => model.predict(tf.slice(test.x, 0, info.probeCount)) as tf.Tensor);
    const probeValues = Array.from(await probe.data());
    probe.dispose();
    const graph = buildGraph(model);
    const files = await modelFiles(model);
    const fileBytes = files.reduce((a, f) => a + f.bytes.byteLength, 0);
    const name = stage === 'dense' ? 'dense' : `${STAGE_NAMES[stage]} (${this.method})`;
    return {
      stage,
      run: runFromMetrics(name, stage === 'dense' ? 0 : this.level, computeMetrics(graph), {
        accuracy: metric,
        fileBytes,
        channels: channelsOf(graph),
      }),
      predictions: Array.from(predictions),
      probe: probeValues,
      gallery: gallery ? Array.from(await predictClasses(model, gallery.x)) : [],
      backend: tf.getBackend(),
      files,
      masked: stage !== 'dense' && this.masks !== undefined,
      deadline: stage === 'dense' ? undefined : this.deadline,
    };
  }

  /** Scores with weight magnitude and prunes a copy of the dense model (the dense one is kept). */
  async prune(req: PruneRequest): Promise<StageResult> {
    await this.useMain();
    this.pruned?.dispose();
    this.tuned?.dispose();
    this.tuned = undefined;
    this.masks = undefined;
    this.deadline = undefined;
    if (req.method === 'deadline') {
      this.pruned = await this.pruneToDeadline(req.level);
    } else if (req.method === 'channels') {
      const res = await channelPruner(buildGraph(this.dense), {
        scorer: magnitude({ p: 2 }),
        ratio: req.level,
        scope: 'global',
        roundTo: 4,
        seed: 7,
      }).run();
      this.pruned = res.model;
      this.method = `channels ${Math.round(req.level * 100)}%`;
    } else {
      const model = await cloneModel(this.dense);
      const graph = buildGraph(model);
      const res =
        req.method === 'nm'
          ? await nmPruner(graph, {
              scorer: magnitude({ p: 1 }),
              n: req.nm?.n ?? 2,
              m: req.nm?.m ?? 4,
              // Kernels whose inputs per output do not split into groups of M (the first conv's
              // 3×3×3 = 27) stay dense; the page names them.
              params: (p) => p.prunable && fitsNm(p, req.nm?.m ?? 4),
            }).step()
          : await unstructuredPruner(graph, {
              scorer: magnitude({ p: 1 }),
              ratio: req.level,
              scope: 'global',
              seed: 7,
            }).step();
      this.pruned = model;
      this.masks = res.masks;
      this.method =
        req.method === 'nm'
          ? `${req.nm?.n ?? 2}:${req.nm?.m ?? 4}`
          : `unstructured ${Math.round(req.level * 100)}%`;
    }
    this.level = req.level;
    return this.measure('pruned', this.pruned);
  }

  /**
   * Channel pruning to a latency budget (`share` of the dense model's median batch-1 latency on the
   * training backend): deadlinePrune times each layer shape it considers on this backend, picks the
   * widths that lose the least L2 magnitude per ms saved, and measures the built model (up to 3
   * rounds). Timings are short (the page's budget is seconds, not a benchmark's).
   */
  private async pruneToDeadline(share: number): Promise<tfl.LayersModel> {
    const timing = { reps: 8, warmup: 2 };
    // The first calls compile kernels and touch memory: the smaller of two medians is the dense latency.
    const denseMs = Math.min(
      ...[0, 1].map(() => measureLatency(this.dense, 1, { reps: 30, warmup: 10 }).medianMs),
    );
    const budgetMs = share * denseMs;
    const res = await deadlinePrune(this.dense, {
      scorer: magnitude({ p: 2 }),
      budget: { ms: budgetMs, backend: tf.getBackend(), batch: 1 },
      device: `${this.opts.backend} in this browser`,
      timing,
      verifyReps: 20,
      seed: 7,
    });
    this.deadline = {
      backend: tf.getBackend(),
      denseMs,
      budgetMs,
      predictedMs: res.predictedMs,
      measuredMs: res.measuredMs,
      met: res.met,
      rounds: res.rounds.length,
    };
    this.method = `deadline ${budgetMs.toFixed(2)} ms`;
    return res.model;
  }

  /**
   * Fine-tunes a copy of the pruned model with distillation from the dense one (masks kept),
   * reporting every step and every epoch through the callbacks.
   */
  async fineTune(
    req: FineTuneRequest,
    onStep: (step: number, total: number, loss: number, epoch: number) => void,
    onEpoch: (p: EpochPoint) => void,
  ): Promise<StageResult> {
    if (!this.pruned) throw new Error('Prune first: there is no pruned model to fine-tune.');
    await this.useMain();
    this.tuned?.dispose();
    const student = await cloneModel(this.pruned);
    this.tuned = student;
    const n = this.task.train.x.shape[0];
    const total = req.epochs * Math.ceil(n / req.batchSize);
    let epoch = 0;
    await fineTune(student, this.task.train, {
      epochs: req.epochs,
      batchSize: req.batchSize,
      lr: cosineLr({ lr: req.lr }),
      loss: distill({ teacher: this.dense, T: req.temperature, alpha: req.alpha, hard: this.task.hard }),
      masks: this.masks,
      seed: 7,
      verbose: 0,
      onStep: async (step, loss) => {
        onStep(step, total, loss, epoch);
        // Lets the worker read its message queue between batches.
        if (step % 8 === 0) await new Promise((r) => setTimeout(r, 0));
      },
      onEpoch: async (log) => {
        const pred = await predictClasses(student, this.task.val.x);
        onEpoch({
          epoch: log.epoch + 1,
          loss: log.loss,
          acc: log.acc,
          valMetric: this.task.score(pred, this.task.val.truth),
        });
        epoch = log.epoch + 1;
      },
    });
    return this.measure('tuned', student);
  }

  /** The stock tfjs files of the newest variant, also saved to IndexedDB and reloaded from there. */
  async export(name: string): Promise<ExportResult> {
    const model = this.tuned ?? this.pruned ?? this.dense;
    await this.useMain();
    const files = await modelFiles(model);
    const url = `indexeddb://${name}`;
    await model.save(url);
    const reloaded = await tfl.loadLayersModel(url);
    const a = await predictClasses(model, this.task.test.x);
    const b = await predictClasses(reloaded, this.task.test.x);
    reloaded.dispose();
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
    return {
      files,
      indexedDbUrl: url,
      reloadAgreement: { same, total: a.length },
    };
  }

  dispose(): void {
    this.pruned?.dispose();
    this.tuned?.dispose();
    this.dense.dispose();
    this.task.dispose();
  }
}
