import { InvalidArgumentError, ModelFormatError } from '@prunekit/core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';

/** Input shapes for models whose inputs have unknown dimensions (keyed by input name). */
export type InputShapes = Readonly<Record<string, readonly number[]>>;

const INT_INPUT = new Set(['int32', 'int64', 'uint8', 'int8', 'uint16', 'int16']);

/** A concrete shape for each model input: a -1 batch becomes 1; other unknowns need `given`. */
export function concreteInputs(
  model: GraphModel,
  given: InputShapes = {},
  label = 'model',
  signature: InputShapes = {},
): { name: string; shape: number[]; dtype: tf.DataType }[] {
  return model.inputs.map((info) => {
    const name = info.name.replace(/:0$/, '');
    const chosen = given[name] ?? given[info.name];
    const hint = signature[name] ?? signature[info.name] ?? [];
    const shape = chosen
      ? [...chosen]
      : (info.shape ?? []).map((d, i) => (d !== -1 ? d : i === 0 ? 1 : (hint[i] ?? -1)));
    if (shape.some((d) => !(d >= 0))) {
      throw new InvalidArgumentError(
        `${label}: input '${name}' has shape [${info.shape}] with unknown dimensions. Pass inputShapes: { '${name}': [1, …] }.`,
        { input: name, shape: info.shape },
      );
    }
    const dtype = (INT_INPUT.has(String(info.dtype)) ? 'int32' : info.dtype) as tf.DataType;
    return { name, shape, dtype };
  });
}

/**
 * Runs the model once on constant inputs and reads the shape of every requested tensor: tfjs's
 * own executor is the shape inference (every op exactly as it will run). `execute` first; graphs
 * with dynamic ops (NonMaxSuppression, TopK-driven gathers …) go through `executeAsync`.
 */
export async function measureShapes(
  model: GraphModel,
  names: readonly string[],
  given: InputShapes = {},
  label = 'model',
  signature: InputShapes = {},
): Promise<Map<string, number[]>> {
  const inputs = concreteInputs(model, given, label, signature);
  const feed: tf.NamedTensorMap = {};
  for (const i of inputs) feed[i.name] = tf.fill(i.shape, i.dtype === 'float32' ? 0.5 : 1, i.dtype);
  const shapes = new Map<string, number[]>();
  let outs: tf.Tensor[] = [];
  try {
    try {
      outs = model.execute(feed, [...names]) as tf.Tensor[];
    } catch {
      outs = (await model.executeAsync(feed, [...names])) as tf.Tensor[];
    }
    const list = Array.isArray(outs) ? outs : [outs as tf.Tensor];
    for (const [i, t] of list.entries()) shapes.set(names[i], [...t.shape]);
  } catch (e) {
    throw new ModelFormatError(
      'E_MODEL_FORMAT',
      `${label}: running the model once to measure tensor shapes failed (${(e as Error).message}). ` +
        'Check inputShapes, or that the model runs in stock tfjs.',
      { file: label },
    );
  } finally {
    tf.dispose(outs);
    tf.dispose(Object.values(feed));
  }
  return shapes;
}
