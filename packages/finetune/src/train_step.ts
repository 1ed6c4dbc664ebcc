import * as tf from '@tensorflow/tfjs-core';
import { PrunekitError, type Regularizer, ShapeError } from '@prunekit/core';
import type { Forward } from './forward.js';
import { countCorrect } from './losses/cross_entropy.js';
import type { Loss } from './losses/loss.js';
import type { MaskEnforcer } from './masks.js';
import type { ModelParam } from './model_params.js';
import type { TrainOptimizer } from './optim/optimizer.js';
import { isProximal } from './regularizers/proximal.js';

export interface StepParts {
  readonly forward: Forward;
  readonly loss: Loss;
  readonly probabilities: boolean;
  readonly params: readonly ModelParam[];
  readonly regularizers: readonly Regularizer[];
  readonly optimizer: TrainOptimizer;
  readonly masks: MaskEnforcer;
}

/**
 * After a forward pass that threw inside tf.variableGrads, the engine still holds the tensors its
 * kernels saved for the backward pass (it frees them only in a completed backward pass): free them.
 */
function disposeTape(): void {
  const state = tf.engine().state;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = [];
}

/** λ at a step: ramps linearly from 0 over the regularizer's warm-up steps. */
export function effectiveLambda(r: Regularizer, step: number): number {
  const w = r.warmupSteps ?? 0;
  return w > 0 ? r.lambda * Math.min(1, step / w) : r.lambda;
}

/**
 * One optimizer step on one batch: loss (+ λ·penalties) and gradients on the tape, masked
 * gradients applied, proximal regularizers applied, masks re-applied to the weights. Returns the batch loss and correct count,
 * read back asynchronously (a synchronous read while a step's GPU work is pending lost the WebGPU
 * device in a browser worker; on cpu/wasm the two reads cost the same).
 */
export async function trainStep(
  parts: StepParts,
  x: tf.Tensor,
  y: tf.Tensor,
  step: number,
): Promise<{ loss: number; correct: number }> {
  const { forward, loss, params, optimizer, masks } = parts;
  const trainable = params.filter((p) => p.trainable);
  const varMap = new Map(params.map((p) => [p.id, p.variable]));
  const prepared = loss.prepare?.(x) ?? new Map<string, tf.Tensor>();
  let correct: tf.Scalar | undefined;
  try {
    const { value, grads } = tf.variableGrads(
      () => {
        const { pred, features } = forward(x, true);
        if (pred.rank >= 2 && pred.shape[pred.rank - 1]! > 1) correct = tf.keep(countCorrect(pred, y));
        let total = loss.compute({
          x,
          y,
          pred,
          probabilities: parts.probabilities,
          features,
          prepared,
          step,
        });
        for (const r of parts.regularizers) {
          const lambda = effectiveLambda(r, step);
          if (lambda > 0 && !isProximal(r))
            total = tf.add(total, tf.mul(r.penalty(varMap, step), lambda)) as tf.Scalar;
        }
        return total;
      },
      trainable.map((p) => p.variable),
    );
    tf.tidy(() => {
      const used = trainable.filter((p) => grads[p.variable.name] !== undefined);
      optimizer.apply(
        used.map((p) => p.variable),
        used.map((p) => masks.maskGradient(p.id, grads[p.variable.name])),
      );
    });
    tf.dispose(grads);
    for (const r of parts.regularizers) {
      const lambda = effectiveLambda(r, step);
      if (lambda > 0 && isProximal(r)) r.prox(varMap, optimizer.learningRate * lambda);
    }
    masks.applyToWeights();
    const [lossValue, c] = await Promise.all([value.data(), correct?.data()]).finally(() => value.dispose());
    return { loss: lossValue[0], correct: c ? c[0] : Number.NaN };
  } catch (e) {
    disposeTape();
    if (e instanceof PrunekitError) throw e;
    throw new ShapeError(
      `Training step ${step} failed on inputs [${x.shape}] and labels [${y.shape}]: ${(e as Error).message} ` +
        'Check that the labels fit the model output and the loss.',
      { step, x: x.shape, y: y.shape },
    );
  } finally {
    correct?.dispose();
    tf.dispose([...prepared.values()]);
  }
}
