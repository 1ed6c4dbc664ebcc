// What the graph-model scripts share: the CenterNet model and its channel analysis, a pruned copy
// at a ratio, and the results file (the machine from the recipe's baseEnv, written atomically).
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '@prunekit/layers/node';
import { baseEnv } from '@prunekit/recipe/node';
import { magnitude } from '@prunekit/scorers';
import * as tf from '@tensorflow/tfjs-core';
import {
  analyzeGraphChannels,
  buildGraphModelGraph,
  type GraphChannelAnalysis,
  type GraphModelSource,
  planChannelRemoval,
  removeGraphChannels,
} from '../src/index.js';
import { loadGraphModelFile } from '../src/node.js';
import { humanModel } from '../test/helpers.js';

/** @vladmandic/human's CenterNet, its graph (the caller disposes it) and its channel analysis. */
export async function openCenternet() {
  const source = await loadGraphModelFile(humanModel('centernet'));
  const graph = await buildGraphModelGraph(source);
  return { source, graph, analysis: analyzeGraphChannels(graph) };
}

/** `ratio` of every prunable group removed, channels ranked by weight magnitude. */
export async function prunedAt(analysis: GraphChannelAnalysis, ratio: number): Promise<GraphModelSource> {
  return removeGraphChannels(analysis, await planChannelRemoval(analysis, { scorer: magnitude(), ratio }));
}

/** The machine a script's figures come from: the recipe's baseEnv plus the 1-minute load. */
export const scriptEnv = () => ({ ...baseEnv(tf.getBackend()), load: loadavg()[0] });

/** Writes results/<file> (temp + rename) and prints the result as one JSON line. */
export async function writeResult(file: string, result: object): Promise<void> {
  await writeFileAtomic(
    join(import.meta.dirname, '..', 'results', file),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log(JSON.stringify(result));
}
