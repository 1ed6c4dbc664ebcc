import type * as tfl from '@tensorflow/tfjs-layers';
import {
  InvalidArgumentError,
  type Regularizer,
  UnknownLayerError,
  checkRange,
  createRng,
} from '@prunekit/core';
import { checkData, epochOrder, gatherBatch } from './data.js';
import { EarlyStopper } from './early_stop.js';
import { evaluate } from './evaluate.js';
import { makeForward } from './forward.js';
import { crossEntropy } from './losses/cross_entropy.js';
import { type LrSchedule, constantLr } from './lr/schedule.js';
import { MaskEnforcer } from './masks.js';
import { modelParams, outputsProbabilities } from './model_params.js';
import { adam } from './optim/adam.js';
import type { TrainOptimizer } from './optim/optimizer.js';
import { sgd } from './optim/sgd.js';
import type { FineTuneOptions, FineTuneResult } from './options.js';
import { progressTo } from './progress.js';
import { type RunState, initialRunState } from './run_state.js';
import { type StepParts, trainStep } from './train_step.js';
import type { EpochLog, TensorData } from './types.js';
import type { MetricsLogger } from './logging/logger.js';
import type { RunFiles } from './run_files.js';

function makeOptimizer(o: FineTuneOptions['optimizer'], lr: number): TrainOptimizer {
  if (o === undefined || o === 'adam') return adam({ lr });
  if (o === 'sgd') return sgd({ lr });
  if (o === 'momentum') return sgd({ lr, momentum: 0.9 });
  if (typeof o === 'object' && typeof o.apply === 'function') return o;
  throw new InvalidArgumentError(
    `optimizer must be 'adam', 'sgd', 'momentum' or an optimizer value, got ${JSON.stringify(o)}.`,
  );
}

/**
 * Fine-tunes `model` in place with a seeded, resumable training loop: masks stay exactly zero,
 * optional regularizers, distillation (through `loss`), gradual pruning, LR schedules, early
 * stopping with restore-best, checkpoints and metric logs. Data order comes from createRng(seed).
 */
export function fineTune(
  model: tfl.LayersModel,
  data: TensorData,
  options: FineTuneOptions,
): Promise<FineTuneResult> {
  return fineTuneWith(undefined, model, data, options);
}

/** The training loop with checkpoints, resume and `logDir` logs written through `files`. */
export async function fineTuneWith(
  files: RunFiles | undefined,
  model: tfl.LayersModel,
  data: TensorData,
  options: FineTuneOptions,
): Promise<FineTuneResult> {
  if (!files && (options.checkpoint || options.resume || options.logDir)) {
    const field = options.checkpoint ? 'checkpoint' : options.resume ? 'resume' : 'logDir';
    throw new InvalidArgumentError(
      `fineTune: '${field}' writes or reads files, which the main entry of @prunekit/finetune does not ` +
        "(it also runs in browsers). In Node, import { fineTune } from '@prunekit/finetune/node'; " +
        "elsewhere pass 'loggers' instead of 'logDir'.",
      { field },
    );
  }
  const epochs = checkRange('epochs', options.epochs, 1, Infinity, { integer: true });
  const batchSize = checkRange('batchSize', options.batchSize ?? 32, 1, Infinity, { integer: true });
  const n = checkData(data, 'data');
  if (options.validation) checkData(options.validation, 'validation');
  const schedule: LrSchedule =
    typeof options.lr === 'object'
      ? options.lr
      : constantLr(checkRange('lr', options.lr ?? 1e-3, 0, Infinity));
  const loss = options.loss ?? crossEntropy();
  loss.check?.(model);
  const output = model.outputs[0]?.shape;
  if (output) {
    loss.checkLabels?.(data.y.shape, output, 'data');
    if (options.validation)
      (loss.validation ?? loss).checkLabels?.(options.validation.y.shape, output, 'validation');
  }
  const regularizers: Regularizer[] =
    options.regularizer === undefined ? [] : ([] as Regularizer[]).concat(options.regularizer);
  if (options.graph && options.masks) {
    const ids = options.graph.params().map((p) => p.id);
    for (const id of options.masks.keys())
      if (!ids.includes(id)) throw new UnknownLayerError(id, 'masks', ids);
  }

  const params = modelParams(model);
  const forward = makeForward(model, loss.features ?? []);
  const evalForward = makeForward(model, (loss.validation ?? loss).features ?? []);
  const probabilities = outputsProbabilities(model);
  const optimizer = makeOptimizer(options.optimizer, schedule.at(0, 1));
  const masks = new MaskEnforcer(params);
  const stopper = options.earlyStop ? new EarlyStopper(options.earlyStop, params) : undefined;
  const progress = options.verbose === 0 ? undefined : progressTo(options.progress, epochs);
  const batches = Math.ceil(n / batchSize);
  const totalSteps = epochs * batches;
  const rng = createRng(options.seed ?? 0);
  if (options.checkpoint) {
    checkRange('checkpoint.every', options.checkpoint.every, 1, Infinity, { integer: true });
    checkRange('checkpoint.keep', options.checkpoint.keep ?? 2, 1, Infinity, { integer: true });
    if (typeof options.checkpoint.dir !== 'string' || options.checkpoint.dir === '') {
      throw new InvalidArgumentError('checkpoint.dir must be a folder path.');
    }
  }
  const shuffle = options.shuffle ?? true;
  const logEvery = options.logEvery ?? 10;
  const parts: StepParts = { forward, loss, probabilities, params, regularizers, optimizer, masks };
  const ownsOptimizer = typeof options.optimizer !== 'object';

  const ownedLoggers: MetricsLogger[] = options.logDir && files ? files.loggers(options.logDir) : [];
  const loggers = [...(options.loggers ?? []), ...ownedLoggers];

  // What a checkpoint must agree on to continue this run's exact data order.
  const runSeries = { batchSize, samples: n, seed: options.seed ?? 0, shuffle: options.shuffle ?? true };
  let state: RunState = initialRunState();
  let resumedFrom: string | undefined;
  let startedAfresh: string | undefined;
  let stoppedEarly = false;
  try {
    // Asked before prepare() creates the checkpoint folder, so a missing path is reported as such.
    const fresh = options.resume && files ? files.nothingToResume(options.resume) : undefined;
    if (options.checkpoint) files?.prepare(options.checkpoint);
    if (fresh) {
      startedAfresh = `resume: '${options.resume}' ${fresh}; started afresh.`;
      masks.set(options.masks);
    } else if (options.resume) {
      // Validated in full before anything changes; the checkpoint's masks replace options.masks.
      const restored = files!.restore(options.resume, {
        params,
        optimizer,
        masks,
        stopper,
        schedule,
        ...runSeries,
      });
      state = restored.state;
      resumedFrom = restored.file;
    } else {
      masks.set(options.masks);
    }

    while (state.epoch < epochs && !state.stopped) {
      const t0 = Date.now();
      if (state.batch === 0) state.rngEpochState = rng.getState();
      else rng.setState(state.rngEpochState);
      const order = epochOrder(n, rng, shuffle);

      for (; state.batch < batches; ) {
        const step = state.step;
        if (options.pruning) {
          const plan = options.pruning.schedule.at(step);
          if (plan.prune) masks.set(await options.pruning.prune(step, plan.sparsity, masks.masks));
        }
        const lr = schedule.at(step, totalSteps);
        optimizer.learningRate = lr;
        const batch = gatherBatch(data, order, state.batch, batchSize);
        let out: { loss: number; correct: number };
        try {
          out = await trainStep(parts, batch.x, batch.y, step);
        } finally {
          batch.x.dispose();
          batch.y.dispose();
        }
        if (!Number.isFinite(out.loss)) {
          throw new InvalidArgumentError(
            `Training loss became ${out.loss} at step ${step}; lower the learning rate or check the data for NaN/Inf.`,
            { step },
          );
        }
        const size = Math.min(batchSize, n - state.batch * batchSize);
        state.sums.loss += out.loss * size;
        state.sums.correct += out.correct;
        state.sums.seen += size;
        state.step++;
        state.batch++;
        progress?.batch(state.epoch, state.batch, batches, out.loss);
        if (logEvery > 0 && state.step % logEvery === 0) {
          for (const l of loggers) l.log('step', state.step, { loss: out.loss, lr });
        }
        await options.onStep?.(state.step, out.loss);
        if (options.checkpoint && state.step % options.checkpoint.every === 0) {
          await files!.save(options.checkpoint, state, {
            params,
            optimizer,
            masks,
            stopper,
            schedule,
            ...runSeries,
          });
        }
      }

      const lr = schedule.at(state.step, totalSteps);
      let log: EpochLog = {
        epoch: state.epoch,
        step: state.step,
        loss: state.sums.loss / state.sums.seen,
        acc: state.sums.correct / state.sums.seen,
        lr,
        seconds: (Date.now() - t0) / 1000,
      };
      const sparsity = masks.sparsity();
      if (sparsity !== undefined) log = { ...log, sparsity };
      if (options.validation) {
        const v = evaluate(
          evalForward,
          options.validation,
          loss.validation ?? loss,
          probabilities,
          batchSize,
          state.step,
        );
        log = { ...log, val_loss: v.loss, val_acc: v.acc };
      }
      state.history.push(log);
      progress?.epoch(log);
      for (const l of loggers) l.log('epoch', state.step, log as unknown as Record<string, number>);
      schedule.onEpochEnd?.(log);
      if (stopper?.update(log)) {
        stoppedEarly = true;
        state.stopped = true;
      }
      await options.onEpoch?.(log);
      state.epoch++;
      state.batch = 0;
      state.sums = { loss: 0, correct: 0, seen: 0 };
    }
    stoppedEarly = state.stopped;
    let restoredEpoch: number | undefined;
    if (stopper?.restore()) {
      restoredEpoch = stopper.state.bestEpoch;
      masks.applyToWeights();
      progress?.message(
        `restored the weights of epoch ${restoredEpoch + 1} (${stopper.opts.metric} ${stopper.state.best.toFixed(4)})`,
      );
    }
    return {
      history: state.history,
      steps: state.step,
      stoppedEarly,
      restoredEpoch,
      masks: masks.masks,
      resumedFrom,
      ...(startedAfresh ? { startedAfresh } : {}),
    };
  } finally {
    for (const l of ownedLoggers) l.close();
    masks.dispose();
    stopper?.dispose();
    if (ownsOptimizer) optimizer.dispose();
  }
}
