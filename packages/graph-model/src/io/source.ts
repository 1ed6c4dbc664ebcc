import { ModelFormatError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { dimsOf, parseInput } from '../json/attrs.js';
import type { GraphModelJson, ManifestWeight, NodeDef } from '../json/model_json.js';
import { decodeWeights, type StoredWeight } from '../weights/codec.js';

/** A graph model read into memory: its GraphDef, its Const values and what it was read from. */
export interface GraphModelSource {
  /** The model.json as read; never mutated (surgery and export write copies). */
  readonly json: GraphModelJson;
  readonly nodes: readonly NodeDef[];
  readonly byName: ReadonlyMap<string, NodeDef>;
  /** Const node name → manifest entry and values. */
  readonly consts: ReadonlyMap<string, StoredWeight>;
  /** What tf.loadGraphModel(tf.io.fromMemory(...)) takes. */
  readonly artifacts: tf.io.ModelArtifacts;
  /** Where it was read from, for messages. */
  readonly label: string;
}

function fail(label: string, field: string, what: string): never {
  throw new ModelFormatError(
    'E_MODEL_FORMAT',
    `${label}: field '${field}' ${what}. Convert the model with tensorflowjs_converter (output format tfjs_graph_model).`,
    { file: label, field },
  );
}

/** Checks a graph-model model.json and decodes its weights from the concatenated shard bytes. */
export function graphModelSource(
  json: unknown,
  weightData: ArrayBuffer,
  label = 'model.json',
): GraphModelSource {
  const j = json as Partial<GraphModelJson> | null;
  if (!j || typeof j !== 'object') fail(label, '(root)', 'is not a JSON object');
  if (j.format !== 'graph-model') {
    fail(
      label,
      'format',
      `is ${JSON.stringify(j.format)}; @prunekit/graph-model reads 'graph-model' files (load 'layers-model' files with @prunekit/layers)`,
    );
  }
  const topo = j.modelTopology;
  if (!topo || !Array.isArray(topo.node)) fail(label, 'modelTopology.node', 'is missing or not a list');
  if (!Array.isArray(j.weightsManifest)) fail(label, 'weightsManifest', 'is missing or not a list');
  if (topo.library?.function?.length) {
    fail(
      label,
      'modelTopology.library.function',
      'holds functions (control flow v2); such graphs are not supported',
    );
  }
  const byName = new Map<string, NodeDef>();
  for (const [i, n] of topo.node.entries()) {
    if (!n || typeof n.name !== 'string' || typeof n.op !== 'string') {
      fail(label, `modelTopology.node[${i}]`, 'has no name or op');
    }
    if (byName.has(n.name)) fail(label, `modelTopology.node[${i}].name`, `repeats '${n.name}'`);
    byName.set(n.name, n);
  }
  for (const n of topo.node) {
    for (const ref of n.input ?? []) {
      const p = parseInput(ref);
      if (!byName.has(p.node)) {
        throw new ModelFormatError(
          'E_MODEL_FORMAT',
          `${label}: node '${n.name}' (${n.op}) reads '${ref}', which no node defines. The file is damaged; convert the model again.`,
          { file: label, node: n.name, input: ref },
        );
      }
    }
  }
  const specs: ManifestWeight[] = j.weightsManifest.flatMap((g) => g.weights);
  const consts = decodeWeights(specs, weightData);
  for (const n of topo.node) {
    if (n.op === 'Const' && !consts.has(n.name)) {
      // Empty or string constants the converter keeps only in the graph.
      const dims = dimsOf(n.attr?.value?.tensor?.tensorShape?.dim);
      if (dims.some((d) => d > 0) && dims.reduce((a, d) => a * d, 1) > 0) {
        fail(label, 'weightsManifest', `lists no values for Const '${n.name}'`);
      }
    }
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: topo as unknown as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: specs as tf.io.WeightsManifestEntry[],
    weightData,
    format: 'graph-model',
    generatedBy: j.generatedBy,
    convertedBy: j.convertedBy ?? undefined,
    ...(j.signature ? { signature: j.signature as object } : {}),
    ...(j.userDefinedMetadata
      ? { userDefinedMetadata: j.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'] }
      : {}),
    ...(j.modelInitializer ? { modelInitializer: j.modelInitializer as object } : {}),
  };
  return { json: j as GraphModelJson, nodes: topo.node, byName, consts, artifacts, label };
}

/**
 * A graph model from artifacts an IOHandler or URL returned (tf.io.ModelArtifacts), with the same
 * checks as a file: the artifacts are read back into model.json form and its weights decoded.
 */
export function graphModelFromArtifacts(
  artifacts: tf.io.ModelArtifacts,
  label = 'artifacts',
): GraphModelSource {
  const a = artifacts as tf.io.ModelArtifacts & { signature?: unknown; modelInitializer?: unknown };
  const json = {
    format: a.format ?? 'graph-model',
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [], weights: a.weightSpecs ?? [] }],
    ...(a.signature ? { signature: a.signature } : {}),
    ...(a.userDefinedMetadata ? { userDefinedMetadata: a.userDefinedMetadata } : {}),
    ...(a.modelInitializer ? { modelInitializer: a.modelInitializer } : {}),
  };
  const data =
    a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData);
  return graphModelSource(json, data, label);
}
