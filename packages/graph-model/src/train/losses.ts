import * as tf from '@tensorflow/tfjs-core';

/**
 * Distillation losses per output kind: 'kl' — categorical KL over the last axis (softmax class
 * maps); 'bkl' — element-wise binary KL (sigmoid class maps / heatmaps read as probabilities);
 * 'l2' / 'l1' — regressions, relative to the teacher's mean square / mean magnitude; 'peak' —
 * heatmaps whose few peaks matter (detection centres): Σ max(t, s)·(s − t)² / Σ t·t², so a pixel
 * weighs by how high either map is there and a student that outputs 0 everywhere scores 1 (an
 * element-wise mean over a mostly-zero map, as 'bkl' takes, lets the peaks weigh almost nothing).
 * Each returns a scalar.
 */
export type OutputLoss = 'kl' | 'bkl' | 'l2' | 'l1' | 'peak';

const EPS = 1e-6;

/**
 * Distillation loss of `student` against `teacher`: relative l1/l2 (scaled by the teacher's magnitude),
 * kl or binary kl.
 */
export function outputLoss(kind: OutputLoss, student: tf.Tensor, teacher: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    switch (kind) {
      // Regressions are compared relative to the teacher's own scale (box sizes in pixels and
      // offsets in [0, 1] weigh alike when several outputs are distilled together).
      case 'l1':
        return tf.div(
          tf.mean(tf.abs(tf.sub(student, teacher))),
          tf.add(tf.mean(tf.abs(teacher)), EPS),
        ) as tf.Scalar;
      case 'l2':
        return tf.div(
          tf.mean(tf.square(tf.sub(student, teacher))),
          tf.add(tf.mean(tf.square(teacher)), EPS),
        ) as tf.Scalar;
      case 'peak': {
        const w = tf.maximum(teacher, student);
        return tf.div(
          tf.sum(tf.mul(w, tf.square(tf.sub(student, teacher)))),
          tf.add(tf.sum(tf.mul(teacher, tf.square(teacher))), EPS),
        ) as tf.Scalar;
      }
      case 'kl': {
        const p = tf.clipByValue(teacher, EPS, 1);
        const q = tf.clipByValue(student, EPS, 1);
        return tf.mean(tf.sum(tf.mul(p, tf.sub(tf.log(p), tf.log(q))), -1)) as tf.Scalar;
      }
      case 'bkl': {
        const p = tf.clipByValue(teacher, EPS, 1 - EPS);
        const q = tf.clipByValue(student, EPS, 1 - EPS);
        const one = tf.scalar(1);
        const pos = tf.mul(p, tf.sub(tf.log(p), tf.log(q)));
        const neg = tf.mul(tf.sub(one, p), tf.sub(tf.log(tf.sub(one, p)), tf.log(tf.sub(one, q))));
        return tf.mean(tf.add(pos, neg)) as tf.Scalar;
      }
    }
  });
}

/** The loss an output's teacher values suggest: distributions → kl, values in [0, 1] → bkl, else l2. */
export function lossFor(teacher: tf.Tensor): OutputLoss {
  const v = teacher.dataSync() as Float32Array;
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (lo < 0 || hi > 1) return 'l2';
  const last = teacher.shape[teacher.shape.length - 1] ?? 1;
  if (last > 1) {
    let sumsToOne = true;
    for (let i = 0; i < v.length && sumsToOne; i += last) {
      let s = 0;
      for (let k = 0; k < last; k++) s += v[i + k];
      if (Math.abs(s - 1) > 1e-3) sumsToOne = false;
    }
    if (sumsToOne) return 'kl';
  }
  return 'bkl';
}
