/**
 * The benchmark's sweep, shared by the coordinator and its worker processes: the committed
 * traffic-sign model on tfjs-wasm, accuracy on a seeded validation split.
 */
import { join } from 'node:path';
import { startBackend } from '@prunekit/backend-wasm';
import type { ModelGraph } from '@prunekit/core';
import {
  type ContentIdentity,
  modelHash,
  type SensitivityWorkerOptions,
  tensorsHash,
} from '@prunekit/distributed';
import { buildGraph } from '@prunekit/layers';
import { loadModel } from '@prunekit/layers/node';
import { magnitude } from '@prunekit/scorers';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { makeSplit } from '../../../examples/perception-traffic-signs/src/data.js';

export const MODEL = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'examples',
  'perception-traffic-signs',
  'model',
  'model.json',
);
export const SCORER = { name: 'magnitude', p: 2 } as const;

export interface BenchSweep {
  readonly graph: ModelGraph;
  readonly identity: ContentIdentity;
  readonly worker: SensitivityWorkerOptions;
  dispose(): void;
}

export async function openSweep(valCount: number): Promise<BenchSweep> {
  await startBackend('wasm');
  const model = await loadModel(MODEL);
  const val = makeSplit('val', valCount, 7001);
  const labels = tf.tidy(() => tf.argMax(val.y, -1));
  const truth = labels.dataSync().slice();
  labels.dispose();
  const evaluate = (m: tfl.LayersModel) => {
    const p = tf.tidy(() => tf.argMax(m.predict(val.x, { batchSize: 256 }) as tf.Tensor, -1));
    const v = p.dataSync();
    p.dispose();
    let ok = 0;
    for (let i = 0; i < v.length; i++) if (v[i] === truth[i]) ok++;
    return ok / v.length;
  };
  return {
    graph: buildGraph(model),
    identity: { model: modelHash(model), data: tensorsHash([val.x, val.y]), backend: tf.getBackend() },
    worker: { evaluate, scorer: (spec) => ({ scorer: magnitude({ p: spec.p as 1 | 2 }) }) },
    dispose() {
      tf.dispose([val.x, val.y]);
      model.dispose();
    },
  };
}
