/**
 * The load stage: a model read from a path (model.json or its folder), a file:// or http(s):// URL,
 * or any tf.io.IOHandler, in whichever tfjs format it is. A 'layers-model' becomes a LayersModel
 * through @prunekit/layers' checked loader; a 'graph-model' goes to the graph-model loader the
 * caller passes in (the recipe package does not depend on @prunekit/graph-model: pass its
 * `graphModelLoader`). Without one, a graph model is refused with a message that says so.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ModelFormatError } from '@prunekit/core';
import { loadHandlerArtifacts, loadModel, type ModelLocation, resolveLocation } from '@prunekit/layers/node';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The two tfjs model formats. */
export type ModelFormat = 'layers-model' | 'graph-model';

/** How graph models are read: from a local file, or from the artifacts a handler or URL returned. */
export interface GraphModelLoader<G> {
  fromFile(path: string): Promise<G>;
  fromArtifacts(artifacts: tf.io.ModelArtifacts, label: string): G | Promise<G>;
}

/** What the load stage returns: the model, its format and where it came from (for messages). */
export type LoadedModel<G = never> =
  | { readonly format: 'layers-model'; readonly model: tfl.LayersModel; readonly label: string }
  | { readonly format: 'graph-model'; readonly model: G; readonly label: string };

/** The format stated by loaded artifacts (a GraphDef topology without a `format` counts as graph). */
export function artifactsFormat(a: tf.io.ModelArtifacts): ModelFormat {
  if (a.format === 'graph-model') return 'graph-model';
  if (a.format === 'layers-model') return 'layers-model';
  const topo = a.modelTopology as { node?: unknown } | undefined;
  return Array.isArray(topo?.node) ? 'graph-model' : 'layers-model';
}

/**
 * The format of a local model.json (or its folder). A file that cannot be read or parsed counts as
 * 'layers-model', so the layers loader reports it with its own, specific message.
 */
export function modelFormatOf(path: string): ModelFormat {
  try {
    const abs = resolve(path);
    const file = statSync(abs).isDirectory() ? join(abs, 'model.json') : abs;
    const json = JSON.parse(readFileSync(file, 'utf8')) as tf.io.ModelArtifacts;
    return artifactsFormat(json);
  } catch {
    return 'layers-model';
  }
}

function noGraphLoader(label: string): never {
  throw new ModelFormatError(
    'E_MODEL_FORMAT',
    `${label} is a tfjs graph model (format 'graph-model'); this step reads layers models only. ` +
      "Pass @prunekit/graph-model's graphModelLoader to loadStage to read graph models.",
    { file: label, field: 'format' },
  );
}

/** Loads the model at `from` (see the module comment). */
export async function loadStage<G = never>(
  from: ModelLocation,
  opts: { readonly graphModel?: GraphModelLoader<G> } = {},
): Promise<LoadedModel<G>> {
  const loc = resolveLocation(from, 'the model location');
  if (loc.kind === 'path') {
    const label = loc.path;
    if (modelFormatOf(loc.path) === 'graph-model') {
      if (!opts.graphModel) noGraphLoader(`'${label}'`);
      return { format: 'graph-model', model: await opts.graphModel.fromFile(loc.path), label };
    }
    return { format: 'layers-model', model: await loadModel(loc.path), label };
  }
  const label = loc.kind === 'http' ? `'${loc.url}'` : 'the IOHandler passed to loadStage';
  const artifacts = await loadHandlerArtifacts(
    loc.kind === 'http' ? tf.io.http(loc.url) : loc.handler,
    label,
  );
  if (artifactsFormat(artifacts) === 'graph-model') {
    if (!opts.graphModel) noGraphLoader(label);
    return { format: 'graph-model', model: await opts.graphModel.fromArtifacts(artifacts, label), label };
  }
  return { format: 'layers-model', model: await loadModel(tf.io.fromMemory(artifacts)), label };
}

/** The load stage for steps that take layers models only: a graph model is refused, naming the file. */
export async function loadLayersModel(from: ModelLocation): Promise<tfl.LayersModel> {
  return (await loadStage(from)).model as tfl.LayersModel;
}
