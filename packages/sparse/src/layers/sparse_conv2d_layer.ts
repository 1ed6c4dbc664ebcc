import { ShapeError } from '@prunekit/core';
import {
  type ConvSettings,
  type ConvSettingsArgs,
  convOutputShape,
  convSettingsConfig,
  firstInputShape,
  type InferenceLayerArgs,
  inferenceLayerArgs,
  pair,
  readConvSettings,
} from '@prunekit/layers';
import * as tf from '@tensorflow/tfjs-core';
type Shape = (number | null)[];
import * as tfl from '@tensorflow/tfjs-layers';
import { sparseConv2d } from '../ops/sparse_conv2d.js';
import { splitActivation } from './activation.js';
import { type ReadableWeight, type SparseLayerOperand, SparseOperandWeights } from './sparse_weights.js';

/** Constructor arguments of SparseConv2D: the conv settings and the filter as a sparse operand. */
export interface SparseConv2DArgs extends InferenceLayerArgs, ConvSettingsArgs {
  filters: number;
  kernelSize: [number, number];
  strides?: [number, number];
  dilationRate?: [number, number];
  /** Max-pool window fused after the activation ('valid', stride = window); default [1, 1] (none). */
  pool?: [number, number];
  /** Filter as a sparse `[filters, kh·kw·inChannels]` matrix. */
  sparse: SparseLayerOperand;
}

/**
 * NHWC Conv2D whose filter is stored sparse and run by the SparseConv2D kernel of the active
 * backend, with bias and relu/relu6 fused, and optionally the MaxPooling2D that followed it (see
 * toSparseModel's fusePooling). Inference only.
 */
export class SparseConv2D extends tfl.layers.Layer implements ConvSettings {
  static className = 'PrunekitSparseConv2D';
  readonly filters: number;
  declare readonly kernelSize: [number, number];
  declare readonly strides: [number, number];
  declare readonly padding: 'same' | 'valid';
  declare readonly dilationRate: [number, number];
  declare readonly activationName: string;
  declare readonly useBias: boolean;
  readonly pool: [number, number];
  private readonly operand: SparseOperandWeights;
  private readonly activation: ReturnType<typeof splitActivation>;
  private bias?: ReadableWeight;

  constructor(args: SparseConv2DArgs) {
    super(inferenceLayerArgs(args));
    Object.assign(this, readConvSettings(args));
    this.filters = args.filters;
    this.pool = pair(args.pool, 1);
    if (args.sparse.rows !== args.filters) {
      throw new ShapeError(
        `SparseConv2D '${this.name}': sparse operand has ${args.sparse.rows} rows for ${args.filters} filters.`,
      );
    }
    this.activation = splitActivation(this.activationName, this.name);
    this.operand = new SparseOperandWeights(this.name, { ...args.sparse });
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = firstInputShape(inputShape);
    const cin = shape[3] ?? 0;
    if (shape.length !== 4 || this.kernelSize[0] * this.kernelSize[1] * cin !== this.operand.operand.cols) {
      throw new ShapeError(
        `SparseConv2D '${this.name}': input [${shape}] does not fit a ${this.kernelSize.join('x')} sparse filter ` +
          `of ${this.operand.operand.cols} columns.`,
      );
    }
    const add = (name: string, shape: number[], dtype: 'float32' | 'int32') =>
      this.addWeight(name, shape, dtype, tfl.initializers.zeros(), undefined, false);
    this.operand.build(add);
    if (this.useBias) this.bias = add('bias', [this.filters], 'float32');
    this.built = true;
  }

  override setWeights(weights: tf.Tensor[]): void {
    super.setWeights(weights);
    this.operand.invalidate();
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = convOutputShape(firstInputShape(inputShape), this, this.filters);
    const pooled = (v: number | null, p: number) => (v == null ? null : Math.floor(v / p));
    return [s[0], pooled(s[1], this.pool[0]), pooled(s[2], this.pool[1]), s[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    const after = this.activation.after;
    // No tidy (nor a closure: at batch 1 every per-call allocation shows) in the common, fused case.
    return after ? tf.tidy(() => after(this.sparseCall(x))) : this.sparseCall(x);
  }

  private sparseCall(x: tf.Tensor4D): tf.Tensor4D {
    return sparseConv2d(x, this.operand.tensors(), {
      filterSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilations: this.dilationRate,
      bias: this.bias?.read() as tf.Tensor1D | undefined,
      activation: this.activation.fused,
      pool: this.pool,
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      ...convSettingsConfig(this),
      pool: this.pool,
      sparse: { ...this.operand.operand },
    };
  }
}
tf.serialization.registerClass(SparseConv2D);
