/**
 * One pruning session in the worker: the dense model and its task, the pruned variant, the
 * fine-tuned one. Every figure the page shows is measured here, on the test set of the task.
 */
import { type MaskSet, computeMetrics, median } from '@prunekit/core';
import { cosineLr, distill, fineTune } from '@prunekit/finetune';
import { artifactsToFiles, buildGraph, cloneModel, modelArtifacts } from '@prunekit/layers';
import { channelPruner, nmPruner, unstructuredPruner } from '@prunekit/pruners';
import { channelsOf, runFromMetrics } from '@prunekit/report';
import { magnitude } from '@prunekit/scorers';
import { toSparseModel } from '@prunekit/sparse';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { activate } from './backends.js';
import type {
  BackendName,
  EpochPoint,
  ExportResult,
  FineTuneRequest,
  PruneRequest,
  Stage,
  StageResult,
} from './protocol.js';
import { predictClasses, type Task } from './tasks.js';

/** Untimed first calls (shader compilation, first-touch allocations) before the timed ones. */
const WARMUP = 3;
const STAGE_NAMES: Record<Stage, string> = { dense: 'dense', pruned: 'pruned', tuned: 'fine-tuned' };

export interface SessionOptions {
  readonly backend: BackendName;
  /** Backends latency is timed on (those that started). */
  readonly bench: readonly BackendName[];
  readonly runs: number;
}

async function timeForward(model: tfl.LayersModel, shape: readonly number[], runs: number): Promise<number> {
  const x = tf.zeros([1, ...shape]);
  const times: number[] = [];
  try {
    for (let i = 0; i < runs + WARMUP; i++) {
      const t0 = performance.now();
      const y = model.predict(x) as tf.Tensor;
      await y.data();
      y.dispose();
      if (i >= WARMUP) times.push(performance.now() - t0);
    }
  } finally {
    x.dispose();
  }
  return median(times);
}

export class Session {
  pruned?: tfl.LayersModel;
  tuned?: tfl.LayersModel;
  private masks?: MaskSet;
  private level = 0;
  private method = 'dense';

  constructor(
    readonly dense: tfl.LayersModel,
    readonly task: Task,
    readonly opts: SessionOptions,
  ) {}

  /** Median batch-1 latency on every bench backend (and prunekit's sparse kernels for masked models). */
  private async latency(model: tfl.LayersModel): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const b of this.opts.bench) {
      if (!(await activate(b))) continue;
      out[b] = await timeForward(model, this.task.info.inputShape, this.opts.runs);
    }
    if (this.masks && this.opts.bench.includes('wasm') && (await activate('wasm'))) {
      const sparse = await toSparseModel(model, { minSparsity: 0.5 });
      if (sparse !== model) {
        out['wasm sparse'] = await timeForward(sparse, this.task.info.inputShape, this.opts.runs);
        sparse.dispose();
      }
    }
    await this.useMain();
    return out;
  }

  async useMain(): Promise<void> {
    if (!(await activate(this.opts.backend))) {
      throw new Error(`The '${this.opts.backend}' backend stopped working (active: '${tf.getBackend()}').`);
    }
  }

  async measure(stage: Stage, model: tfl.LayersModel): Promise<StageResult> {
    await this.useMain();
    const { test, gallery, info } = this.task;
    const predictions = predictClasses(model, test.x);
    const metric = this.task.score(predictions, test.truth);
    const probe = tf.tidy(() => model.predict(tf.slice(test.x, 0, info.probeCount)) as tf.Tensor);
    const probeValues = Array.from(await probe.data());
    probe.dispose();
    const graph = buildGraph(model);
    const files = artifactsToFiles(await modelArtifacts(model));
    let fileBytes = 0;
    for (const f of files.values()) fileBytes += typeof f === 'string' ? new TextEncoder().encode(f).length : f.byteLength;
    const latencyMs = await this.latency(model);
    const name = stage === 'dense' ? 'dense' : `${STAGE_NAMES[stage]} (${this.method})`;
    return {
      stage,
      run: runFromMetrics(name, stage === 'dense' ? 0 : this.level, computeMetrics(graph), {
        accuracy: metric,
        latencyMs,
        fileBytes,
        channels: channelsOf(graph),
      }),
      predictions: Array.from(predictions),
      probe: probeValues,
      gallery: gallery ? Array.from(predictClasses(model, gallery.x)) : [],
      backend: tf.getBackend(),
    };
  }

  /** Scores with weight magnitude and prunes a copy of the dense model (the dense one is kept). */
  async prune(req: PruneRequest): Promise<StageResult> {
    await this.useMain();
    this.pruned?.dispose();
    this.tuned?.dispose();
    this.tuned = undefined;
    this.masks = undefined;
    if (req.method === 'channels') {
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
          ? await nmPruner(graph, { scorer: magnitude({ p: 1 }), n: req.nm?.n ?? 2, m: req.nm?.m ?? 4 }).step()
          : await unstructuredPruner(graph, {
              scorer: magnitude({ p: 1 }),
              ratio: req.level,
              scope: 'global',
              seed: 7,
            }).step();
      this.pruned = model;
      this.masks = res.masks;
      this.method =
        req.method === 'nm' ? `${req.nm?.n ?? 2}:${req.nm?.m ?? 4}` : `unstructured ${Math.round(req.level * 100)}%`;
    }
    this.level = req.level;
    return this.measure('pruned', this.pruned);
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
      onEpoch: (log) => {
        const pred = predictClasses(student, this.task.val.x);
        onEpoch({ epoch: log.epoch + 1, loss: log.loss, acc: log.acc, valMetric: this.task.score(pred, this.task.val.truth) });
        epoch = log.epoch + 1;
      },
    });
    return this.measure('tuned', student);
  }

  /** The stock tfjs files of the newest variant, also saved to IndexedDB and reloaded from there. */
  async export(name: string): Promise<ExportResult> {
    const model = this.tuned ?? this.pruned ?? this.dense;
    await this.useMain();
    const files = artifactsToFiles(await modelArtifacts(model));
    const url = `indexeddb://${name}`;
    await model.save(url);
    const reloaded = await tfl.loadLayersModel(url);
    const a = predictClasses(model, this.task.test.x);
    const b = predictClasses(reloaded, this.task.test.x);
    reloaded.dispose();
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
    return {
      files: [...files].map(([file, body]) => ({
        name: file,
        bytes: typeof body === 'string' ? new TextEncoder().encode(body) : body.slice(),
      })),
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
