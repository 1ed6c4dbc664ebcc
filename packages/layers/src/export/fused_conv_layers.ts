// Conv2D and DepthwiseConv2D as one fused tfjs kernel each (tf.fused.conv2d / depthwiseConv2d):
// bias and relu / relu6 run inside the conv. Stock tfjs-layers fuses only relu, linear and elu into
// a Conv2D (a ReLU6 after it is two more ops, Relu and ClipByValue) and never fuses a
// DepthwiseConv2D (its bias is a separate Add). Inference only; the weights are the stock layers'.
import { InvalidArgumentError, ShapeError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Shape = (number | null)[];
/** The activations the fused kernels apply in place. */
export type FusedConvActivation = 'linear' | 'relu' | 'relu6';
const FUSED_ACTIVATIONS: readonly string[] = ['linear', 'relu', 'relu6'];

/** Constructor arguments shared by FusedConv2D and FusedDepthwiseConv2D (tfjs-layers' names). */
interface FusedConvBaseArgs {
  name?: string;
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: 'same' | 'valid';
  dilationRate?: number | [number, number];
  activation?: FusedConvActivation;
  useBias?: boolean;
  inputShape?: number[];
  batchInputShape?: Shape;
  dtype?: tf.DataType;
}
/** Constructor arguments of FusedConv2D. */
export interface FusedConv2DArgs extends FusedConvBaseArgs {
  filters: number;
}
/** Constructor arguments of FusedDepthwiseConv2D. */
export interface FusedDepthwiseConv2DArgs extends FusedConvBaseArgs {
  depthMultiplier?: number;
}

const pair = (v: number | number[] | undefined, d: number): [number, number] =>
  v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1] ?? v[0]];
type Weight = { read(): tf.Tensor };

/** The NHWC output shape of a 2-D conv with these settings ('same' or 'valid' padding) and `channels` outputs. */
export function convOutputShape(
  input: Shape,
  c: {
    readonly kernelSize: readonly number[];
    readonly strides: readonly number[];
    readonly dilationRate: readonly number[];
    readonly padding: string;
  },
  channels: number | null,
): Shape {
  const dim = (size: number | null, i: number) => {
    if (size == null) return null;
    const eff = (c.kernelSize[i] - 1) * c.dilationRate[i] + 1;
    return c.padding === 'same'
      ? Math.ceil(size / c.strides[i])
      : Math.floor((size - eff) / c.strides[i]) + 1;
  };
  return [input[0], dim(input[1], 0), dim(input[2], 1), channels];
}

/** The shared part: settings, weights, output shape and config; subclasses give the kernel and op. */
abstract class FusedConvBase extends tfl.layers.Layer {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'same' | 'valid';
  readonly dilationRate: [number, number];
  readonly activationName: FusedConvActivation;
  readonly useBias: boolean;
  protected kernel?: Weight;
  protected bias?: Weight;

  constructor(args: FusedConvBaseArgs) {
    super({
      name: args.name,
      inputShape: args.inputShape,
      batchInputShape: args.batchInputShape,
      dtype: args.dtype,
      trainable: false,
    });
    this.kernelSize = pair(args.kernelSize, 1);
    this.strides = pair(args.strides, 1);
    this.padding = args.padding ?? 'valid';
    this.dilationRate = pair(args.dilationRate, 1);
    this.activationName = args.activation ?? 'linear';
    this.useBias = args.useBias ?? true;
    if (!FUSED_ACTIVATIONS.includes(this.activationName) || !['same', 'valid'].includes(this.padding)) {
      throw new InvalidArgumentError(
        `${this.getClassName()} '${this.name}': activation '${this.activationName}' with padding '${this.padding}' ` +
          `cannot run fused; it takes activation ${FUSED_ACTIVATIONS.join(', ')} and 'same' or 'valid' padding (keep the stock layer otherwise).`,
        { field: 'activation', layer: this.name },
      );
    }
  }

  protected abstract kernelShape(inChannels: number): number[];
  protected abstract outChannels(inChannels: number | null): number | null;
  /** tf.fused.conv2d or tf.fused.depthwiseConv2d (the same arguments). */
  protected abstract readonly op: typeof tf.fused.conv2d;

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (shape.length !== 4 || shape[3] == null) {
      throw new ShapeError(
        `${this.getClassName()} '${this.name}': needs an NHWC input with known channels, got [${shape}].`,
      );
    }
    const add = (name: string, s: number[]) =>
      this.addWeight(name, s, 'float32', tfl.initializers.zeros(), undefined, false);
    this.kernel = add(this.kernelWeightName, this.kernelShape(shape[3]));
    const out = this.outChannels(shape[3]) as number;
    if (this.useBias) this.bias = add('bias', [out]);
    this.built = true;
  }

  protected abstract readonly kernelWeightName: string;

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return convOutputShape(s, this, this.outChannels(s[3]));
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return this.op({
      x,
      filter: this.kernel!.read() as tf.Tensor4D,
      strides: this.strides,
      pad: this.padding,
      dilations: this.dilationRate,
      bias: this.bias?.read() as tf.Tensor1D | undefined,
      activation: this.activationName,
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      activation: this.activationName,
      useBias: this.useBias,
    };
  }
}

/** NHWC Conv2D run as one tf.fused.conv2d: bias and relu / relu6 in the kernel. Inference only. */
export class FusedConv2D extends FusedConvBase {
  static className = 'PrunekitFusedConv2D';
  readonly filters: number;
  protected readonly kernelWeightName = 'kernel';
  constructor(args: FusedConv2DArgs) {
    super(args);
    this.filters = args.filters;
  }
  protected kernelShape(cin: number): number[] {
    return [...this.kernelSize, cin, this.filters];
  }
  protected outChannels(): number {
    return this.filters;
  }
  protected readonly op = tf.fused.conv2d;
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters };
  }
}
tf.serialization.registerClass(FusedConv2D);

/** NHWC DepthwiseConv2D run as one tf.fused.depthwiseConv2d: bias and relu / relu6 in the kernel. */
export class FusedDepthwiseConv2D extends FusedConvBase {
  static className = 'PrunekitFusedDepthwiseConv2D';
  readonly depthMultiplier: number;
  protected readonly kernelWeightName = 'depthwise_kernel';
  constructor(args: FusedDepthwiseConv2DArgs) {
    super(args);
    this.depthMultiplier = args.depthMultiplier ?? 1;
  }
  protected kernelShape(cin: number): number[] {
    return [...this.kernelSize, cin, this.depthMultiplier];
  }
  protected outChannels(cin: number | null): number | null {
    return cin == null ? null : cin * this.depthMultiplier;
  }
  protected readonly op = tf.fused.depthwiseConv2d as typeof tf.fused.conv2d;
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), depthMultiplier: this.depthMultiplier };
  }
}
tf.serialization.registerClass(FusedDepthwiseConv2D);
