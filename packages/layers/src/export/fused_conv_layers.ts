// Conv2D and DepthwiseConv2D as one fused tfjs kernel each (tf.fused.conv2d / depthwiseConv2d):
// bias and relu / relu6 run inside the conv. Stock tfjs-layers fuses only relu, linear and elu into
// a Conv2D (a ReLU6 after it is two more ops, Relu and ClipByValue) and never fuses a
// DepthwiseConv2D (its bias is a separate Add). Inference only; the weights are the stock layers'.
import { InvalidArgumentError, ShapeError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

import {
  type ConvSettings,
  type ConvSettingsArgs,
  convOutputShape,
  convSettingsConfig,
  firstInputShape,
  type InferenceLayerArgs,
  inferenceLayerArgs,
  readConvSettings,
} from './conv_settings.js';

type Shape = (number | null)[];
/** The activations the fused kernels apply in place. */
export type FusedConvActivation = 'linear' | 'relu' | 'relu6';
const FUSED_ACTIVATIONS: readonly string[] = ['linear', 'relu', 'relu6'];

/** Constructor arguments shared by FusedConv2D and FusedDepthwiseConv2D (tfjs-layers' names). */
interface FusedConvBaseArgs extends InferenceLayerArgs, ConvSettingsArgs {
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  dilationRate?: number | [number, number];
  activation?: FusedConvActivation;
}
/** Constructor arguments of FusedConv2D. */
export interface FusedConv2DArgs extends FusedConvBaseArgs {
  filters: number;
}
/** Constructor arguments of FusedDepthwiseConv2D. */
export interface FusedDepthwiseConv2DArgs extends FusedConvBaseArgs {
  depthMultiplier?: number;
}

type Weight = { read(): tf.Tensor };

/** The shared part: settings, weights, output shape and config; subclasses give the kernel and op. */
abstract class FusedConvBase extends tfl.layers.Layer implements ConvSettings {
  declare readonly kernelSize: [number, number];
  declare readonly strides: [number, number];
  declare readonly padding: 'same' | 'valid';
  declare readonly dilationRate: [number, number];
  declare readonly activationName: FusedConvActivation;
  declare readonly useBias: boolean;
  protected kernel?: Weight;
  protected bias?: Weight;

  constructor(args: FusedConvBaseArgs) {
    super(inferenceLayerArgs(args));
    Object.assign(this, readConvSettings(args));
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
    const shape = firstInputShape(inputShape);
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
    const s = firstInputShape(inputShape);
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
    return { ...super.getConfig(), ...convSettingsConfig(this) };
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
