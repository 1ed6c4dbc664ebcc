/**
 * The export stage: a model saved in the stock tfjs format (temp + rename, by `saveModel`) and its
 * size as stored and as run, read back from the IR and the written files.
 */
import { modelFileBytes, saveModel } from '@prunekit/layers/node';
import type * as tfl from '@tensorflow/tfjs-layers';
import { modelFigures } from './measure.js';

/** Weights (all / nonzero), MACs (all / on nonzero weights), bytes on disk. */
export interface SizeFigures {
  readonly params: number;
  readonly nonzeroParams: number;
  readonly macs: number;
  readonly effectiveMacs: number;
  readonly fileBytes: number;
}

/** Saves `model` under `dir` (replacing an earlier export there) and reads its size figures. */
export async function exportStage(model: tfl.LayersModel, dir: string): Promise<SizeFigures> {
  const m = modelFigures(model).metrics;
  await saveModel(model, dir, { overwrite: true });
  return {
    params: m.params,
    nonzeroParams: m.nonzero,
    macs: m.macs,
    effectiveMacs: m.sparseMacs,
    fileBytes: await modelFileBytes(dir),
  };
}
