import { InvalidArgumentError } from '@prunekit/core';
import { getLayerHandler } from '../registry.js';
import type { StructuredRule } from './rule.js';
import { depthwiseConv2dRule } from './rules/depthwise.js';
import { concatenateRule, mergeRules } from './rules/merge.js';
import {
  activationRule,
  batchNormalizationRule,
  layerNormalizationRule,
  passThroughRules,
  preluRule,
  softmaxRule,
} from './rules/pass_through.js';
import {
  conv1dRule,
  conv2dRule,
  conv2dTransposeRule,
  denseRule,
  separableConv2dRule,
} from './rules/producers.js';
import { flattenRule, inputLayerRule, reshapeRule } from './rules/reshape.js';

/** The structured rules prunekit ships, one per Keras className. */
export const builtinStructuredRules: readonly StructuredRule[] = [
  inputLayerRule,
  conv2dRule,
  conv1dRule,
  conv2dTransposeRule,
  denseRule,
  separableConv2dRule,
  depthwiseConv2dRule,
  batchNormalizationRule,
  layerNormalizationRule,
  preluRule,
  activationRule,
  softmaxRule,
  ...passThroughRules,
  ...mergeRules,
  concatenateRule,
  flattenRule,
  reshapeRule,
];

// On a global for the same reason as the LayerHandler registry: two copies of the package share it.
const KEY = Symbol.for('@prunekit/layers/structured-rules');

function registry(): Map<string, StructuredRule> {
  const g = globalThis as unknown as Record<symbol, Map<string, StructuredRule> | undefined>;
  let r = g[KEY];
  if (!r) {
    r = new Map(builtinStructuredRules.map((s) => [s.className, s]));
    g[KEY] = r;
  }
  return r;
}

/** Registers (or replaces) the structured rule for `rule.className` (custom layers plug in here). */
export function registerStructuredRule(rule: StructuredRule): void {
  if (!rule || typeof rule.className !== 'string' || typeof rule.analyze !== 'function') {
    throw new InvalidArgumentError(
      'registerStructuredRule: a rule needs a className and an analyze(ctx) function.',
    );
  }
  registry().set(rule.className, rule);
}

/** Removes a custom rule; the built-in one (if any) comes back. */
export function unregisterStructuredRule(className: string): void {
  const r = registry();
  r.delete(className);
  const builtin = builtinStructuredRules.find((s) => s.className === className);
  if (builtin) r.set(className, builtin);
}

/**
 * The rule for a class: a `structured` field on the registered LayerHandler wins (so one
 * registerLayerHandler call can teach prunekit a custom layer completely), then this registry.
 */
export function getStructuredRule(className: string): StructuredRule | undefined {
  const handler = getLayerHandler(className) as { structured?: StructuredRule } | undefined;
  return handler?.structured ?? registry().get(className);
}
