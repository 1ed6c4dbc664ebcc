import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '@prunekit/core';
import type { SlotState } from './optimizer.js';

/** Per-variable accumulators (momentum, Adam moments) created lazily as zeros. */
export class Slots {
  private readonly slots = new Map<string, tf.Variable[]>();
  constructor(private readonly names: readonly string[]) {}

  private list(name: string): tf.Variable[] {
    let list = this.slots.get(name);
    if (!list) {
      list = [];
      this.slots.set(name, list);
    }
    return list;
  }

  get(name: string, i: number, like: tf.Tensor): tf.Variable {
    const list = this.list(name);
    if (!list[i]) list[i] = tf.tidy(() => tf.variable(tf.zerosLike(like), false));
    return list[i];
  }

  save(): SlotState[] {
    const out: SlotState[] = [];
    for (const name of this.names) {
      (this.slots.get(name) ?? []).forEach((v, i) => {
        out.push({ name: `${name}/${i}`, shape: v.shape, data: v.dataSync() as Float32Array });
      });
    }
    return out;
  }

  load(state: readonly SlotState[]): void {
    this.dispose();
    for (const s of state) {
      const [name, idx] = s.name.split('/');
      if (!this.names.includes(name))
        throw new CheckpointError(
          `Optimizer slot '${s.name}' is unknown to this optimizer (slots: ${this.names.join(', ')}).`,
        );
      const list = this.list(name);
      // tf.variable copies its initial value; the tidy frees that temporary.
      list[Number(idx)] = tf.tidy(() => tf.variable(tf.tensor(s.data, [...s.shape], 'float32'), false));
    }
  }

  dispose(): void {
    for (const list of this.slots.values()) for (const v of list) v?.dispose();
    this.slots.clear();
  }
}
