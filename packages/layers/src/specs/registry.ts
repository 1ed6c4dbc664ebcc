import { createSpecRegistry, type SpecRegistry } from '@prunekit/core';
import * as activation from './activation.js';
import * as conv from './conv.js';
import { denseSpec } from './dense.js';
import type { LayerSpec } from './kit.js';
import * as merge from './merge.js';
import * as normalization from './normalization.js';
import * as pooling from './pooling.js';
import { refusedLayerClasses } from './refused.js';
import * as regularization from './regularization.js';
import * as reshaping from './reshaping.js';

/**
 * The layer specs prunekit ships, one per Keras class, grouped by family (one file each). A new
 * built-in class is one spec in its family's file (or a new file) and one entry here.
 */
export const builtinLayerSpecs: readonly LayerSpec[] = [
  denseSpec,
  ...Object.values(conv),
  ...Object.values(normalization),
  ...Object.values(activation),
  ...Object.values(pooling),
  ...Object.values(regularization),
  ...Object.values(reshaping),
  ...Object.values(merge),
];

/** The registry of Keras layer specs (format 'layers'); graph-model ops have their own, built the same way. */
export const layerSpecs: SpecRegistry<LayerSpec> = createSpecRegistry(
  'layers',
  builtinLayerSpecs,
  refusedLayerClasses,
);

/** Registers (or replaces) the spec for `spec.name`; custom layers plug in here. Refuses incomplete specs. */
export function registerLayerSpec(spec: LayerSpec): void {
  layerSpecs.register(spec);
}

/** Removes a spec registered for `name`; a built-in one comes back. */
export function unregisterLayerSpec(name: string): void {
  layerSpecs.unregister(name);
}

/** The spec for a Keras class name, or undefined. */
export function getLayerSpec(name: string): LayerSpec | undefined {
  return layerSpecs.get(name);
}

/** Class names with a spec, sorted. */
export function registeredLayerClasses(): string[] {
  return layerSpecs.names();
}
