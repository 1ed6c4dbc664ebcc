/**
 * Two losses through @prunekit/finetune, whose trainer takes single-output models: a packed view
 * of the two-head model (one output [n, numSigns + H·W·C, 1] that shares every layer and weight of
 * the model, so training the view trains the model and masks keep their parameter ids) and a loss
 * that unpacks it: signWeight · CE(sign) + laneWeight · CE(lane pixels, per-class weights), optionally
 * blended with distillation from a teacher (the unpruned model) on both heads.
 * The rank-3 output keeps the trainer from counting arg-max "accuracy" over the packed row; the
 * example measures both heads itself (evaluate.ts).
 */
import type { Loss, LossContext } from '@prunekit/finetune';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { OUTPUTS } from './model.js';

export interface MultitaskLossOptions {
  readonly signWeight: number;
  readonly laneWeight: number;
  /** Weight of each lane class in the per-pixel cross-entropy (thin markings are rare). */
  readonly laneClassWeights: readonly number[];
  /**
   * Distillation: (1 − alpha) · the loss above + alpha · (signWeight · KD(sign) + laneWeight ·
   * KD(lane pixels)), KD = T² · KL(teacher ‖ student) at temperature T on each head's
   * log-probabilities. The teacher is a packed view of the unpruned model (only read).
   */
  readonly distill?: { readonly teacher: tfl.LayersModel; readonly alpha: number; readonly T: number };
}

const EPS = 1e-7;

/** The packed single-output view of a [sign, lane] model. Never dispose it: it owns no weights. */
export function packedView(model: tfl.LayersModel): tfl.LayersModel {
  const byName = new Map(model.outputNames.map((n, i) => [n, model.outputs[i]]));
  const sign = byName.get(OUTPUTS.sign)!;
  const lane = byName.get(OUTPUTS.lane)!;
  const signCol = tfl.layers
    .reshape({ name: 'pack_sign', targetShape: [sign.shape[1] as number, 1] })
    .apply(sign) as tfl.SymbolicTensor;
  const laneSize = lane.shape.slice(1).reduce((a, b) => (a as number) * (b as number), 1) as number;
  const laneCol = tfl.layers
    .reshape({ name: 'pack_lane', targetShape: [laneSize, 1] })
    .apply(lane) as tfl.SymbolicTensor;
  const packed = tfl.layers.concatenate({ name: 'pack', axis: 1 }).apply([signCol, laneCol]);
  return tfl.model({ inputs: model.inputs, outputs: packed as tfl.SymbolicTensor });
}

/** Mean weighted cross-entropy of probabilities `p` [m, k] against class ids `ids` [m]. */
function weightedCe(p: tf.Tensor2D, ids: tf.Tensor1D, classWeights?: tf.Tensor1D): tf.Scalar {
  const k = p.shape[1];
  const target = tf.oneHot(tf.cast(ids, 'int32'), k);
  const nll = tf.neg(tf.sum(tf.mul(target, tf.log(tf.clipByValue(p, EPS, 1))), -1));
  if (!classWeights) return tf.mean(nll) as tf.Scalar;
  const w = tf.sum(tf.mul(target, classWeights), -1);
  return tf.div(tf.sum(tf.mul(nll, w)), tf.sum(w)) as tf.Scalar;
}

/** T² · mean over rows of KL(softmax(log t / T) ‖ softmax(log s / T)) for probabilities t, s [m, k]. */
function softKl(teacher: tf.Tensor2D, student: tf.Tensor2D, T: number): tf.Scalar {
  const lt = tf.logSoftmax(tf.div(tf.log(tf.clipByValue(teacher, EPS, 1)), T));
  const ls = tf.logSoftmax(tf.div(tf.log(tf.clipByValue(student, EPS, 1)), T));
  return tf.mul(tf.mean(tf.sum(tf.mul(tf.exp(lt), tf.sub(lt, ls)), -1)), T * T) as tf.Scalar;
}

/** The two heads of a packed row batch: sign [n, numSigns] and lane pixels [n·pixels, classes]. */
function unpack(
  packed: tf.Tensor,
  numSigns: number,
  numLaneClasses: number,
  pixels: number,
): [tf.Tensor2D, tf.Tensor2D] {
  const n = packed.shape[0];
  const rows = tf.reshape(packed, [n, -1]);
  return [
    tf.slice(rows, [0, 0], [n, numSigns]) as tf.Tensor2D,
    tf.reshape(tf.slice(rows, [0, numSigns], [n, pixels * numLaneClasses]), [
      n * pixels,
      numLaneClasses,
    ]) as tf.Tensor2D,
  ];
}

export function multitaskLoss(numSigns: number, numLaneClasses: number, opts: MultitaskLossOptions): Loss {
  const kd = opts.distill;
  return {
    name: kd ? 'multitask+distill' : 'multitask',
    prepare: kd
      ? (x) => new Map([['teacher', tf.tidy(() => kd.teacher.predict(x) as tf.Tensor)]])
      : undefined,
    compute(ctx: LossContext): tf.Scalar {
      return tf.tidy(() => {
        const n = ctx.pred.shape[0];
        const pixels = ctx.y.shape[1]! - 1;
        const [signP, laneP] = unpack(ctx.pred, numSigns, numLaneClasses, pixels);
        const signIds = tf.reshape(tf.slice(ctx.y, [0, 0], [n, 1]), [n]) as tf.Tensor1D;
        const laneIds = tf.reshape(tf.slice(ctx.y, [0, 1], [n, pixels]), [n * pixels]) as tf.Tensor1D;
        const signLoss = weightedCe(signP, signIds);
        const laneLoss = weightedCe(laneP, laneIds, tf.tensor1d([...opts.laneClassWeights]));
        const hard = tf.add(
          tf.mul(signLoss, opts.signWeight),
          tf.mul(laneLoss, opts.laneWeight),
        ) as tf.Scalar;
        const t = ctx.prepared.get('teacher');
        if (!kd || !t) return hard;
        const [signT, laneT] = unpack(t, numSigns, numLaneClasses, pixels);
        const soft = tf.add(
          tf.mul(softKl(signT, signP, kd.T), opts.signWeight),
          tf.mul(softKl(laneT, laneP, kd.T), opts.laneWeight),
        );
        return tf.add(tf.mul(hard, 1 - kd.alpha), tf.mul(soft, kd.alpha)) as tf.Scalar;
      });
    },
  };
}
