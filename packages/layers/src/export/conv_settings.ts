// The settings prunekit's inference layers (fused conv, sparse conv, sparse dense) share with the
// stock Conv2D / Dense: read once from the constructor arguments, written back once in getConfig,
// and the output shape of a 2-D conv computed from them.
import type * as tf from '@tensorflow/tfjs-core';

type Shape = (number | null)[];

/** A number or a pair as tfjs-layers takes it, as a pair (`d` for both when absent). */
export function pair(v: number | readonly number[] | undefined, d: number): [number, number] {
  return v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1] ?? v[0]];
}

/** The first input's shape of a layer's build / computeOutputShape argument. */
export function firstInputShape(inputShape: Shape | Shape[]): Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
}

/** Constructor arguments every prunekit inference layer passes to tfjs-layers' Layer. */
export interface InferenceLayerArgs {
  name?: string;
  inputShape?: number[];
  batchInputShape?: Shape;
  dtype?: tf.DataType;
}

/** The Layer constructor's arguments of an inference-only (never trainable) layer. */
export function inferenceLayerArgs(args: InferenceLayerArgs) {
  const { name, inputShape, batchInputShape, dtype } = args;
  return { name, inputShape, batchInputShape, dtype, trainable: false };
}

/** Activation and bias, as a Dense or conv layer takes them. */
export interface BiasActivationArgs {
  activation?: string;
  useBias?: boolean;
}
/** Activation (by name; default linear) and bias (default on). */
export interface BiasActivation {
  readonly activationName: string;
  readonly useBias: boolean;
}

/** Conv settings as tfjs-layers takes them (numbers or pairs). */
export interface ConvSettingsArgs extends BiasActivationArgs {
  kernelSize: number | readonly number[];
  strides?: number | readonly number[];
  padding?: 'same' | 'valid';
  dilationRate?: number | readonly number[];
}
/** Conv settings read: pairs, padding (default 'valid'), activation and bias. */
export interface ConvSettings extends BiasActivation {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'same' | 'valid';
  readonly dilationRate: [number, number];
}

/** Reads activation and bias with tfjs-layers' defaults. */
export function readBiasActivation(args: BiasActivationArgs): BiasActivation {
  return { activationName: args.activation ?? 'linear', useBias: args.useBias ?? true };
}

/** Reads conv settings with tfjs-layers' defaults. */
export function readConvSettings(args: ConvSettingsArgs): ConvSettings {
  return {
    kernelSize: pair(args.kernelSize, 1),
    strides: pair(args.strides, 1),
    padding: args.padding ?? 'valid',
    dilationRate: pair(args.dilationRate, 1),
    ...readBiasActivation(args),
  };
}

/** The config entries of activation and bias (getConfig). */
export function biasActivationConfig(s: BiasActivation): tf.serialization.ConfigDict {
  return { activation: s.activationName, useBias: s.useBias };
}

/** The config entries of conv settings (getConfig), under tfjs-layers' names. */
export function convSettingsConfig(s: ConvSettings): tf.serialization.ConfigDict {
  return {
    kernelSize: s.kernelSize,
    strides: s.strides,
    padding: s.padding,
    dilationRate: s.dilationRate,
    ...biasActivationConfig(s),
  };
}

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
