import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, ShapeError, UnknownLayerError, checkRange } from '@prunekit/core';
import { flattenNested } from '@prunekit/layers';
import { makeForward } from '../forward.js';
import { outputsProbabilities } from '../model_params.js';
import { crossEntropy, logProbs } from './cross_entropy.js';
import { shapeText } from './labels.js';
import type { Loss } from './loss.js';

/** Match an inner student layer's output to a teacher layer's output (mean squared error). */
export interface FeatureTap {
  readonly student: string;
  /** Teacher layer (default: the same name as the student's). */
  readonly teacher?: string;
  readonly weight?: number;
}

/** Knowledge distillation: the teacher model, temperature T, the weight alpha of the soft targets and the loss on the hard labels. */
export interface DistillOptions {
  /** The unpruned model. It is only read, never trained. */
  readonly teacher: tfl.LayersModel;
  /** Softmax temperature (default 4). */
  readonly T?: number;
  /** Weight of the soft (teacher) term; the hard-label term gets 1 − α (default 0.5). */
  readonly alpha?: number;
  /** Hard-label loss (default cross-entropy). */
  readonly hard?: Loss;
  readonly features?: readonly FeatureTap[];
}

const sameShape = (a: readonly (number | null)[], b: readonly (number | null)[]) =>
  a.length === b.length && a.every((d, i) => i === 0 || d === b[i]);

/**
 * Knowledge distillation (Hinton et al. 2015): α·T²·KL(softmax(z_t/T) ‖ softmax(z_s/T)) + (1 − α)·hard
 * loss, plus optional feature matching on named layers. Works whether the models end in softmax
 * (logits are recovered as log-probabilities; softmax ignores the constant) or in logits.
 */
export function distill(opts: DistillOptions): Loss {
  if (
    typeof opts?.teacher?.apply !== 'function' ||
    typeof (opts.teacher as tfl.LayersModel).apply !== 'function'
  ) {
    throw new InvalidArgumentError('distill.teacher must be a tfjs LayersModel (the unpruned model).');
  }
  const T = checkRange('distill.T', opts.T ?? 4, 0, Infinity);
  if (T === 0) throw new InvalidArgumentError('distill.T must be > 0.');
  const alpha = checkRange('distill.alpha', opts.alpha ?? 0.5, 0, 1, { maxInclusive: true });
  const hard = opts.hard ?? crossEntropy();
  const taps = (opts.features ?? []).map((f) => ({
    student: f.student,
    teacher: f.teacher ?? f.student,
    weight: f.weight ?? 1,
  }));
  const teacher = opts.teacher;
  const teacherProbs = outputsProbabilities(teacher);
  let teacherForward: ReturnType<typeof makeForward> | undefined;

  return {
    name: 'distill',
    features: taps.map((t) => t.student),
    validation: hard,
    checkLabels: hard.checkLabels?.bind(hard),
    check(student) {
      const s = student.outputs[0].shape;
      const t = teacher.outputs[0].shape;
      if (!sameShape(s, t)) {
        throw new ShapeError(
          `distill: teacher output ${shapeText(t)} does not match student output ${shapeText(s)}; the teacher must predict the same classes as the student.`,
          { teacher: t, student: s },
        );
      }
      // Layer names as the flat views see them: a tap may name a layer inside a nested model.
      const flatTeacher = flattenNested(teacher);
      const flatStudent = flattenNested(student);
      const teacherNames = flatTeacher.layers.map((l) => l.name);
      const studentNames = flatStudent.layers.map((l) => l.name);
      for (const tap of taps) {
        if (!studentNames.includes(tap.student))
          throw new UnknownLayerError(tap.student, 'distill.features[].student', studentNames);
        if (!teacherNames.includes(tap.teacher))
          throw new UnknownLayerError(tap.teacher, 'distill.features[].teacher', teacherNames);
        const ss = flatStudent.getLayer(tap.student).outputShape as (number | null)[];
        const ts = flatTeacher.getLayer(tap.teacher).outputShape as (number | null)[];
        if (!sameShape(ss, ts)) {
          throw new ShapeError(
            `distill: student layer '${tap.student}' outputs ${shapeText(ss)} but teacher layer '${tap.teacher}' outputs ${shapeText(ts)}; pick layers of equal shape (structured pruning changes channel counts).`,
            { student: tap.student, teacher: tap.teacher },
          );
        }
      }
    },
    prepare(x) {
      teacherForward ??= makeForward(
        teacher,
        taps.map((t) => t.teacher),
      );
      const out = new Map<string, tf.Tensor>();
      tf.tidy(() => {
        const { pred, features } = teacherForward!(x, false);
        out.set('teacher', tf.keep(pred));
        for (const t of taps) out.set(`teacher:${t.student}`, tf.keep(features.get(t.teacher)!));
      });
      return out;
    },
    compute(ctx) {
      return tf.tidy(() => {
        const tOut = ctx.prepared.get('teacher');
        if (!tOut)
          throw new InvalidArgumentError('distill: the teacher output is missing (prepare was not called).');
        if (!sameShape(tOut.shape, ctx.pred.shape)) {
          throw new ShapeError(
            `distill: teacher output [${tOut.shape}] does not match student output [${ctx.pred.shape}].`,
          );
        }
        let total = tf.mul(hard.compute(ctx), 1 - alpha) as tf.Scalar;
        if (alpha > 0) {
          const zt = tf.div(teacherProbs ? logProbs(tOut, true) : tOut, T);
          const zs = tf.div(ctx.probabilities ? logProbs(ctx.pred, true) : ctx.pred, T);
          const logPt = tf.logSoftmax(zt);
          const logPs = tf.logSoftmax(zs);
          const kl = tf.mean(tf.sum(tf.mul(tf.exp(logPt), tf.sub(logPt, logPs)), -1));
          total = tf.add(total, tf.mul(kl, alpha * T * T));
        }
        for (const t of taps) {
          const f = tf.mean(
            tf.squaredDifference(ctx.features.get(t.student)!, ctx.prepared.get(`teacher:${t.student}`)!),
          );
          total = tf.add(total, tf.mul(f, t.weight));
        }
        return total as tf.Scalar;
      });
    },
  };
}
