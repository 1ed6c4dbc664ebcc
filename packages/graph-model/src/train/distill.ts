import { createRng, InvalidArgumentError } from '@prunekit/core';
import {
  adam,
  constantLr,
  type LrSchedule,
  type ProgressStream,
  progressTo,
  type TrainOptimizer,
} from '@prunekit/finetune';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { toTfGraphModel } from '../graph/build_graph.js';
import { type ConstOverride, type WriteGraphOptions, writeGraphModel } from '../io/materialize.js';
import type { GraphModelSource } from '../io/source.js';
import { lossFor, type OutputLoss, outputLoss } from './losses.js';
import { constReaders, trainableGraphModel } from './trainable.js';

/**
 * Options of distillGraphModel: teacher, unlabeled and validation inputs, outputs and losses, training
 * settings.
 */
export interface GraphDistillOptions extends WriteGraphOptions {
  /** The unpruned model whose outputs the student learns (no labels needed). */
  readonly teacher: GraphModelSource;
  /** Unlabeled inputs, stacked on axis 0 (single-input models). */
  readonly inputs: tf.Tensor;
  /** Held-out inputs for the validation loss (early stopping). */
  readonly validation?: tf.Tensor;
  /** Output tensor names to distil (default: every float output of the model). */
  readonly outputs?: readonly string[];
  /** Loss per output (same order as `outputs`), or 'auto' (default): chosen from the teacher's values. */
  readonly losses?: 'auto' | readonly OutputLoss[];
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly optimizer?: TrainOptimizer;
  readonly lr?: LrSchedule;
  readonly earlyStop?: { readonly patience: number; readonly restoreBest?: boolean };
  readonly seed?: number;
  /**
   * Called after each epoch; `snapshot()` writes the current weights as a graph model (save it
   * with saveGraphModel for a checkpoint to resume or ship).
   */
  readonly onEpoch?: (log: GraphEpochLog, snapshot: () => GraphModelSource) => void | Promise<void>;
  /** 0: silent; 1 (default): a progress bar on a TTY, one JSON line per epoch otherwise (as fineTune). */
  readonly verbose?: 0 | 1;
  /** Where progress goes (default process.stderr). */
  readonly progress?: ProgressStream;
}

/** Mean training loss (and validation loss, when given) after one distillation epoch. */
export interface GraphEpochLog {
  readonly epoch: number;
  readonly loss: number;
  readonly valLoss?: number;
}

/** What distillGraphModel returns: the fine-tuned student, the loss history and the loss used per output. */
export interface GraphDistillResult {
  /** The fine-tuned student (weights in the student's dtypes unless `dtype` says otherwise). */
  readonly model: GraphModelSource;
  readonly history: readonly GraphEpochLog[];
  /** The validation loss of the student before the first step (when `validation` is given). */
  readonly initialValLoss?: number;
  readonly losses: readonly OutputLoss[];
  readonly outputs: readonly string[];
}

function run(model: GraphModel, x: tf.Tensor, outputs: readonly string[]): tf.Tensor[] {
  const y = model.execute(x, [...outputs]);
  return Array.isArray(y) ? y : [y];
}

/**
 * Label-free distillation of a (pruned) graph model from its unpruned teacher: the student's
 * weights become variables, its graph executor runs under a gradient tape, and each output is
 * pulled towards the teacher's with a loss chosen per output kind. Weights that are exactly 0 at
 * the start (masks) stay 0. Runs on whatever backend is set — on 'wasm' it needs
 * @prunekit/backend-wasm's training kernels (`useBackend()`).
 */
export async function distillGraphModel(
  student: GraphModelSource,
  opts: GraphDistillOptions,
): Promise<GraphDistillResult> {
  const epochs = opts.epochs ?? 5;
  const batch = opts.batchSize ?? 8;
  const n = opts.inputs.shape[0];
  if (!(n > 0))
    throw new InvalidArgumentError('distillGraphModel: inputs hold no samples.', { field: 'inputs' });
  const teacher = await toTfGraphModel(opts.teacher);
  const train = await trainableGraphModel(student);
  const fixedBatch = train.model.inputs[0]?.shape?.[0];
  if (fixedBatch !== undefined && fixedBatch > 0 && fixedBatch !== -1 && batch !== fixedBatch) {
    train.dispose();
    teacher.dispose();
    throw new InvalidArgumentError(
      `distillGraphModel: the model's input '${train.model.inputs[0].name}' fixes the batch at ${fixedBatch}; pass batchSize: ${fixedBatch}.`,
      { field: 'batchSize' },
    );
  }
  const optimizer = opts.optimizer ?? adam({ lr: 1e-3 });
  const schedule = opts.lr ?? constantLr(optimizer.learningRate);
  const rng = createRng(opts.seed ?? 0);
  const vars = [...train.variables.values()];
  const masks = vars.map((v) => {
    const d = v.dataSync();
    let zeros = 0;
    for (let i = 0; i < d.length; i++) if (d[i] === 0) zeros++;
    return zeros > 0 ? tf.tidy(() => tf.cast(tf.notEqual(v, 0), 'float32')) : null;
  });
  const outputs =
    opts.outputs ??
    train.model.outputs
      .filter((o) => o.dtype === undefined || o.dtype === 'float32') // no signature: dtype unknown
      .map((o) => o.name.replace(/:0$/, ''));
  if (outputs.length === 0) {
    throw new InvalidArgumentError(
      'distillGraphModel: the model has no float outputs to distil; name them in `outputs`.',
      {
        field: 'outputs',
      },
    );
  }
  const history: GraphEpochLog[] = [];
  let losses: OutputLoss[] = [];
  const slice = (t: tf.Tensor, idx: number[]) => tf.tidy(() => tf.gather(t, tf.tensor1d(idx, 'int32')));
  const lossOn = (x: tf.Tensor, targets: tf.Tensor[]) =>
    tf.tidy(() => {
      const ys = run(train.model, x, outputs);
      return tf.addN(ys.map((y, i) => outputLoss(losses[i], y, targets[i]))) as tf.Scalar;
    });
  const evaluate = (data: tf.Tensor): number => {
    let sum = 0;
    let count = 0;
    for (let s = 0; s < data.shape[0]; s += batch) {
      const idx = [...Array(Math.min(batch, data.shape[0] - s)).keys()].map((k) => s + k);
      const v = tf.tidy(() => {
        const x = slice(data, idx);
        return lossOn(x, run(teacher, x, outputs)).dataSync()[0];
      });
      sum += v * idx.length;
      count += idx.length;
    }
    return sum / count;
  };
  const readers = constReaders(student);
  const names = [...train.variables.keys()];
  /** The student with the given variable values written into its Consts. */
  const materialize = (values: readonly Float32Array[]): GraphModelSource => {
    const overrides: ConstOverride[] = names.flatMap((name, i) => {
      const shape = student.consts.get(name)!.spec.shape;
      return (readers.get(name) ?? []).map((r) => ({ constName: name, ...r, values: values[i], shape }));
    });
    return writeGraphModel(student, overrides, opts);
  };
  let initialValLoss: number | undefined;
  let best = Infinity;
  let bestValues: Float32Array[] | null = null;
  let wait = 0;
  let step = 0;
  const steps = epochs * Math.ceil(n / batch);
  const started = performance.now();
  const progress = opts.verbose === 0 ? undefined : progressTo(opts.progress, epochs);
  try {
    if (opts.validation) {
      const first = tf.tidy(() => run(teacher, slice(opts.validation!, [0]), outputs));
      losses = opts.losses && opts.losses !== 'auto' ? [...opts.losses] : first.map(lossFor);
      tf.dispose(first);
      initialValLoss = evaluate(opts.validation);
    }
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = [...Array(n).keys()].sort(() => rng.next() - 0.5);
      let sum = 0;
      for (let s = 0; s < n; s += batch) {
        const idx = order.slice(s, s + batch);
        const x = slice(opts.inputs, idx);
        const targets = run(teacher, x, outputs);
        if (losses.length === 0) {
          losses = opts.losses && opts.losses !== 'auto' ? [...opts.losses] : targets.map(lossFor);
        }
        optimizer.learningRate = schedule.at(step++, steps);
        const { value, grads } = tf.variableGrads(() => lossOn(x, targets), vars);
        // A weight no distilled output depends on gets no gradient: a zero one keeps the
        // optimizer's per-variable slots aligned.
        const zeros = vars.filter((v) => !grads[v.name]).map((v) => [v.name, tf.zerosLike(v)] as const);
        const all: Record<string, tf.Tensor> = { ...grads, ...Object.fromEntries(zeros) };
        optimizer.apply(
          vars,
          vars.map((v) => all[v.name]),
        );
        tf.dispose(zeros.map(([, t]) => t));
        tf.tidy(() => {
          masks.forEach((m, i) => {
            if (m) vars[i].assign(tf.mul(vars[i], m));
          });
        });
        const batchLoss = value.dataSync()[0];
        sum += batchLoss * idx.length;
        tf.dispose([value, x, ...targets, ...Object.values(grads)]);
        progress?.batch(epoch, Math.ceil((s + idx.length) / batch), Math.ceil(n / batch), batchLoss);
      }
      const log: GraphEpochLog = {
        epoch,
        loss: sum / n,
        ...(opts.validation ? { valLoss: evaluate(opts.validation) } : {}),
      };
      history.push(log);
      // Plateau schedules read loss / val_loss; accuracy has no meaning without labels (NaN).
      const epochLog = {
        epoch,
        step,
        loss: log.loss,
        acc: Number.NaN,
        ...(log.valLoss !== undefined ? { val_loss: log.valLoss } : {}),
        lr: optimizer.learningRate,
        seconds: (performance.now() - started) / 1000,
      };
      schedule.onEpochEnd?.(epochLog);
      progress?.epoch(epochLog);
      await opts.onEpoch?.(log, () => materialize(vars.map((v) => Float32Array.from(v.dataSync()))));
      const monitored = log.valLoss ?? log.loss;
      if (monitored < best) {
        best = monitored;
        wait = 0;
        if (opts.earlyStop?.restoreBest) bestValues = vars.map((v) => Float32Array.from(v.dataSync()));
      } else if (opts.earlyStop && ++wait >= opts.earlyStop.patience) break;
    }
    const final = bestValues ?? vars.map((v) => Float32Array.from(v.dataSync()));
    return {
      model: materialize(final),
      history,
      ...(initialValLoss !== undefined ? { initialValLoss } : {}),
      losses,
      outputs,
    };
  } finally {
    tf.dispose(masks.filter((m): m is tf.Tensor => m !== null));
    train.dispose();
    teacher.dispose();
    optimizer.dispose();
  }
}
