import * as tf from '@tensorflow/tfjs-core';
import { type MaskSet, maskSparsity, ShapeError, UnknownLayerError, sizeOf } from '@prunekit/core';
import type { ModelParam } from './model_params.js';

/**
 * Keeps pruned weights at exactly +0: holds one boolean tensor per masked parameter and zeroes the
 * masked entries of the weights (and of their gradients, so optimizer moments stay clean).
 */
export class MaskEnforcer {
  private readonly keep = new Map<string, tf.Tensor>();
  private current: MaskSet = new Map();

  constructor(private readonly params: readonly ModelParam[]) {}

  /** Replaces the masks in force (validated against the model) and applies them to the weights. */
  set(masks: MaskSet | undefined): void {
    const byId = new Map(this.params.map((p) => [p.id, p]));
    for (const [id, mask] of masks ?? []) {
      const p = byId.get(id);
      if (!p) throw new UnknownLayerError(id, 'masks', [...byId.keys()]);
      if (mask.data.length !== sizeOf(p.shape)) {
        throw new ShapeError(
          `masks: mask for '${id}' has ${mask.data.length} entries but the weight has shape [${p.shape}] (${sizeOf(p.shape)}); build the masks from this model.`,
          { param: id },
        );
      }
    }
    this.disposeTensors();
    this.current = new Map(masks ?? []);
    for (const [id, mask] of this.current) {
      this.keep.set(id, tf.tensor(mask.data, [...byId.get(id)!.shape], 'bool'));
    }
    this.applyToWeights();
  }

  get masks(): MaskSet {
    return this.current;
  }

  get size(): number {
    return this.keep.size;
  }

  applyToWeights(): void {
    if (this.keep.size === 0) return;
    tf.tidy(() => {
      for (const p of this.params) {
        const k = this.keep.get(p.id);
        if (k) p.variable.assign(tf.where(k, p.variable, tf.zerosLike(p.variable)));
      }
    });
  }

  /** Masked copy of a gradient (call inside a tidy), or the gradient itself when unmasked. */
  maskGradient(id: string, grad: tf.Tensor): tf.Tensor {
    const k = this.keep.get(id);
    return k ? tf.where(k, grad, tf.zerosLike(grad)) : grad;
  }

  /** Fraction of masked-out weights over all masked parameters. */
  sparsity(): number | undefined {
    return this.current.size === 0 ? undefined : maskSparsity(this.current);
  }

  private disposeTensors(): void {
    for (const t of this.keep.values()) t.dispose();
    this.keep.clear();
  }

  dispose(): void {
    this.disposeTensors();
  }
}
