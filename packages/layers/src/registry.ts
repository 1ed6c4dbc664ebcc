import { InvalidArgumentError } from '@prunekit/core';
import { activationHandler } from './handlers/activation.js';
import { addHandler } from './handlers/add.js';
import { averageHandler } from './handlers/average.js';
import { averagePooling1dHandler } from './handlers/average_pooling1d.js';
import { averagePooling2dHandler } from './handlers/average_pooling2d.js';
import { batchNormalizationHandler } from './handlers/batch_normalization.js';
import { concatenateHandler } from './handlers/concatenate.js';
import { conv1dHandler } from './handlers/conv1d.js';
import { conv2dHandler } from './handlers/conv2d.js';
import { denseHandler } from './handlers/dense.js';
import { depthwiseConv2dHandler } from './handlers/depthwise_conv2d.js';
import { dropoutHandler } from './handlers/dropout.js';
import { flattenHandler } from './handlers/flatten.js';
import { globalAveragePooling1dHandler } from './handlers/global_average_pooling1d.js';
import { globalAveragePooling2dHandler } from './handlers/global_average_pooling2d.js';
import { globalMaxPooling1dHandler } from './handlers/global_max_pooling1d.js';
import { globalMaxPooling2dHandler } from './handlers/global_max_pooling2d.js';
import { inputLayerHandler } from './handlers/input_layer.js';
import { leakyReluHandler } from './handlers/leaky_relu.js';
import { maxPooling1dHandler } from './handlers/max_pooling1d.js';
import { maxPooling2dHandler } from './handlers/max_pooling2d.js';
import { multiplyHandler } from './handlers/multiply.js';
import { reluHandler } from './handlers/relu.js';
import { reshapeHandler } from './handlers/reshape.js';
import { softmaxHandler } from './handlers/softmax.js';
import { zeroPadding2dHandler } from './handlers/zero_padding2d.js';
import type { KerasLayerHandler } from './layer_context.js';

/** The handlers prunekit ships, one per Keras className. */
export const builtinHandlers: readonly KerasLayerHandler[] = [
  inputLayerHandler,
  denseHandler,
  conv1dHandler,
  conv2dHandler,
  depthwiseConv2dHandler,
  batchNormalizationHandler,
  maxPooling1dHandler,
  maxPooling2dHandler,
  averagePooling1dHandler,
  averagePooling2dHandler,
  globalAveragePooling1dHandler,
  globalAveragePooling2dHandler,
  globalMaxPooling1dHandler,
  globalMaxPooling2dHandler,
  flattenHandler,
  reshapeHandler,
  zeroPadding2dHandler,
  dropoutHandler,
  activationHandler,
  reluHandler,
  leakyReluHandler,
  softmaxHandler,
  addHandler,
  multiplyHandler,
  averageHandler,
  concatenateHandler,
];

// Kept on a global so that two copies of this package in one process share custom handlers
// (the same reason tfjs keeps its kernel registry on a global).
const KEY = Symbol.for('@prunekit/layers/handlers');
type Registry = Map<string, KerasLayerHandler>;

function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  let r = g[KEY];
  if (!r) {
    r = new Map(builtinHandlers.map((h) => [h.className, h]));
    g[KEY] = r;
  }
  return r;
}

/** Registers (or replaces) the handler for `handler.className`; custom layers plug in here. */
export function registerLayerHandler(handler: KerasLayerHandler): void {
  if (!handler || typeof handler.className !== 'string' || handler.className === '') {
    throw new InvalidArgumentError('registerLayerHandler: handler.className must be a non-empty string.');
  }
  if (typeof handler.params !== 'function' || typeof handler.macs !== 'function') {
    throw new InvalidArgumentError(
      `registerLayerHandler('${handler.className}'): a handler needs params(ctx) and macs(ctx) functions.`,
      { className: handler.className },
    );
  }
  registry().set(handler.className, handler);
}

/** Removes a handler registered for `className`; built-in handlers come back on the next lookup. */
export function unregisterLayerHandler(className: string): void {
  const r = registry();
  r.delete(className);
  const builtin = builtinHandlers.find((h) => h.className === className);
  if (builtin) r.set(className, builtin);
}

/** The handler for a Keras className, or undefined. */
export function getLayerHandler(className: string): KerasLayerHandler | undefined {
  return registry().get(className);
}

/** Class names with a handler, sorted. */
export function registeredLayerClasses(): string[] {
  return [...registry().keys()].sort();
}
