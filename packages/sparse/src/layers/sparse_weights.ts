import type * as tf from '@tensorflow/tfjs-core';
import { sparseFromParts } from '../formats/sparse_tensors.js';
import type { SparseTensors } from '../formats/sparse_tensors.js';
import type { SparseAttrs } from '../kernel_names.js';

/**
 * What a sparse layer's config records about its operand: the format attributes and the lengths
 * of its weight tensors (values float32, indices int32, rowPtr int32 — 0 for N:M), so the weights
 * can be created with the right shapes before they are loaded.
 */
export interface SparseLayerOperand extends SparseAttrs {
  valuesLength: number;
  indicesLength: number;
  rowPtrLength: number;
}

/** The part of a tfjs-layers ReadableWeight the sparse layers read. */
export interface ReadableWeight {
  read(): tf.Tensor;
}
/** A layer's addWeight, passed in by the layer (it is protected on tfjs-layers' Layer). */
export type AddWeight = (name: string, shape: number[], dtype: 'float32' | 'int32') => ReadableWeight;

const noop = (): void => {};

/** The operand's weights on one layer, checked once after every (re)assignment before first use. */
export class SparseOperandWeights {
  private values?: ReadableWeight;
  private indices?: ReadableWeight;
  private rowPtr?: ReadableWeight;
  private checked = false;
  private readonly attrs: SparseAttrs;

  constructor(
    private readonly layerName: string,
    readonly operand: SparseLayerOperand,
  ) {
    const { valuesLength: _v, indicesLength: _i, rowPtrLength: _r, ...attrs } = operand;
    this.attrs = attrs;
  }

  /** Adds the weights to `layer` (call from build()). */
  build(add: AddWeight): void {
    const o = this.operand;
    this.values = add('values', [o.valuesLength], 'float32');
    this.indices = add('indices', [o.indicesLength], 'int32');
    if (o.rowPtrLength > 0) this.rowPtr = add('row_ptr', [o.rowPtrLength], 'int32');
  }

  /** Marks the weights as changed (setWeights / load): they are validated again before the next run. */
  invalidate(): void {
    this.checked = false;
  }

  /** The operand as kernel inputs; validates the structure the first time after a change. */
  tensors(): SparseTensors {
    const values = this.values?.read() as tf.Tensor1D;
    const indices = this.indices?.read() as tf.Tensor1D;
    const rowPtr = this.rowPtr?.read() as tf.Tensor1D | undefined;
    if (!this.checked) {
      sparseFromParts(
        this.operand,
        values.dataSync() as Float32Array,
        indices.dataSync() as Int32Array,
        rowPtr?.dataSync() as Int32Array | undefined,
        `layer '${this.layerName}' sparse weights`,
      );
      this.checked = true;
    }
    return { attrs: this.attrs, values, indices, rowPtr, dispose: noop };
  }
}
