import { ShapeError } from '@prunekit/core';
import {
  type BiasActivation,
  type BiasActivationArgs,
  biasActivationConfig,
  firstInputShape,
  type InferenceLayerArgs,
  inferenceLayerArgs,
  readBiasActivation,
} from '@prunekit/layers';
import * as tf from '@tensorflow/tfjs-core';
type Shape = (number | null)[];
import * as tfl from '@tensorflow/tfjs-layers';
import { sparseMatMul } from '../ops/sparse_matmul.js';
import { splitActivation } from './activation.js';
import { type ReadableWeight, type SparseLayerOperand, SparseOperandWeights } from './sparse_weights.js';

/** Constructor arguments of SparseDense: units, activation, bias and the kernel as a sparse operand. */
export interface SparseDenseArgs extends InferenceLayerArgs, BiasActivationArgs {
  units: number;
  /** Kernel as a sparse `[units, inputDim]` matrix (rows = output units). */
  sparse: SparseLayerOperand;
  trainable?: boolean;
}

/**
 * Dense layer whose kernel is stored sparse (values float32 + indices int32 weights) and run by the
 * SparseMatMul kernel of the active backend, with bias and relu/relu6 fused. Inference only.
 */
export class SparseDense extends tfl.layers.Layer implements BiasActivation {
  static className = 'PrunekitSparseDense';
  readonly units: number;
  declare readonly activationName: string;
  declare readonly useBias: boolean;
  private readonly operand: SparseOperandWeights;
  private readonly activation: ReturnType<typeof splitActivation>;
  private bias?: ReadableWeight;

  constructor(args: SparseDenseArgs) {
    super(inferenceLayerArgs(args));
    Object.assign(this, readBiasActivation(args));
    this.units = args.units;
    if (args.sparse.rows !== args.units) {
      throw new ShapeError(
        `SparseDense '${this.name}': sparse operand has ${args.sparse.rows} rows for ${args.units} units.`,
      );
    }
    this.activation = splitActivation(this.activationName, this.name);
    this.operand = new SparseOperandWeights(this.name, { ...args.sparse });
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = firstInputShape(inputShape);
    if (shape.length !== 2 || shape[1] !== this.operand.operand.cols) {
      throw new ShapeError(
        `SparseDense '${this.name}': expects input [batch, ${this.operand.operand.cols}], got [${shape}].`,
      );
    }
    const add = (name: string, shape: number[], dtype: 'float32' | 'int32') =>
      this.addWeight(name, shape, dtype, tfl.initializers.zeros(), undefined, false);
    this.operand.build(add);
    if (this.useBias) this.bias = add('bias', [this.units], 'float32');
    this.built = true;
  }

  override setWeights(weights: tf.Tensor[]): void {
    super.setWeights(weights);
    this.operand.invalidate();
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = firstInputShape(inputShape);
    return [shape[0], this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
    const after = this.activation.after;
    // No tidy (nor a closure: at batch 1 every per-call allocation shows) in the common, fused case.
    return after ? tf.tidy(() => after(this.sparseCall(x))) : this.sparseCall(x);
  }

  private sparseCall(x: tf.Tensor2D): tf.Tensor2D {
    return sparseMatMul(this.operand.tensors(), x, {
      xLayout: 'nk',
      bias: this.bias?.read() as tf.Tensor1D | undefined,
      activation: this.activation.fused,
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      ...biasActivationConfig(this),
      sparse: { ...this.operand.operand },
    };
  }
}
tf.serialization.registerClass(SparseDense);
