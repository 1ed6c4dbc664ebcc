import { InvalidArgumentError, checkRange } from '@prunekit/core';
import type * as tf from '@tensorflow/tfjs-core';

/** Which parameters a regularizer touches: a list of ids, a predicate, or (default) the kernels. */
export type ParamSelector = readonly string[] | ((id: string) => boolean);

const KERNEL = /\/(kernel|depthwise_kernel|pointwise_kernel|embeddings)$/;

export function selectVars(
  vars: ReadonlyMap<string, tf.Variable>,
  selector: ParamSelector | undefined,
  fallback: RegExp = KERNEL,
  field = 'params',
): tf.Variable[] {
  if (Array.isArray(selector)) {
    return (selector as readonly string[]).map((id) => {
      const v = vars.get(id);
      if (!v)
        throw new InvalidArgumentError(
          `${field}: no parameter '${id}' (known: ${[...vars.keys()].slice(0, 12).join(', ')}).`,
          { id },
        );
      return v;
    });
  }
  const pick = (selector as ((id: string) => boolean) | undefined) ?? ((id: string) => fallback.test(id));
  return [...vars].filter(([id]) => pick(id)).map(([, v]) => v);
}

/** Common validated fields of every regularizer. */
export function baseFields(
  name: string,
  opts: { lambda: number; warmupSteps?: number },
): { lambda: number; warmupSteps: number } {
  return {
    lambda: checkRange(`${name}.lambda`, opts.lambda, 0, Infinity),
    warmupSteps: checkRange(`${name}.warmupSteps`, opts.warmupSteps ?? 0, 0, Infinity, { integer: true }),
  };
}
