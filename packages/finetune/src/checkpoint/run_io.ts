import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, type MaskSet } from '@prunekit/core';
import type { EarlyStopper } from '../early_stop.js';
import type { LrSchedule } from '../lr/schedule.js';
import type { MaskEnforcer } from '../masks.js';
import type { ModelParam } from '../model_params.js';
import type { OptimizerState, TrainOptimizer } from '../optim/optimizer.js';
import type { CheckpointOptions } from '../options.js';
import type { RunState } from '../run_state.js';
import { type Section, decodeCheckpoint, encodeCheckpoint } from './format.js';
import { writeFileAtomic } from '@prunekit/layers/node';
import { checkpointName, pruneCheckpoints, resolveCheckpoint } from './files.js';

/** The live pieces of a run that a checkpoint saves and restores. */
export interface RunParts {
  readonly params: readonly ModelParam[];
  readonly optimizer: TrainOptimizer;
  readonly masks: MaskEnforcer;
  readonly stopper?: EarlyStopper;
  readonly schedule: LrSchedule;
  readonly batchSize: number;
  readonly samples: number;
  readonly seed: number;
  readonly shuffle: boolean;
}

interface RunMeta {
  state: RunState;
  signature: { id: string; shape: number[] }[];
  run: { batchSize: number; samples: number; seed: number; shuffle: boolean };
  optimizer: { name: string; scalars: Record<string, number> };
  lr?: Record<string, number>;
  early?: { best: number; bestEpoch: number; wait: number; hasBest: boolean };
  masks: string[];
}

/** Writes the run's checkpoint for its current step; returns the file written. */
export async function saveRun(opts: CheckpointOptions, state: RunState, parts: RunParts): Promise<string> {
  const sections: Section[] = [];
  for (const p of parts.params) {
    sections.push({
      name: `w/${p.id}`,
      dtype: 'float32',
      shape: p.shape,
      data: p.variable.dataSync() as Float32Array,
    });
  }
  const opt = parts.optimizer.getState();
  for (const s of opt.slots)
    sections.push({ name: `opt/${s.name}`, dtype: 'float32', shape: s.shape, data: s.data });
  for (const [id, m] of parts.masks.masks)
    sections.push({ name: `mask/${id}`, dtype: 'uint8', shape: m.shape, data: m.data });
  const best = parts.stopper?.bestValues();
  for (const [i, data] of (best ?? []).entries()) {
    sections.push({
      name: `best/${parts.params[i].id}`,
      dtype: 'float32',
      shape: parts.params[i].shape,
      data,
    });
  }
  const meta: RunMeta = {
    state,
    signature: parts.params.map((p) => ({ id: p.id, shape: [...p.shape] })),
    run: { batchSize: parts.batchSize, samples: parts.samples, seed: parts.seed, shuffle: parts.shuffle },
    optimizer: { name: opt.name, scalars: opt.scalars },
    lr: parts.schedule.getState?.(),
    early: parts.stopper ? { ...parts.stopper.state, hasBest: best !== undefined } : undefined,
    masks: [...parts.masks.masks.keys()],
  };
  const file = join(opts.dir, checkpointName(state.step));
  await writeFileAtomic(file, encodeCheckpoint(meta as unknown as Record<string, unknown>, sections));
  pruneCheckpoints(opts.dir, opts.keep ?? 2);
  return file;
}

function mismatch(file: string, what: string): CheckpointError {
  return new CheckpointError(
    `Checkpoint '${file}' does not match this run: ${what}. Resume with the same model and options, or start afresh.`,
    {
      file,
    },
  );
}

/**
 * Reads and fully validates a checkpoint, then loads it into the run. Nothing is changed (weights,
 * optimizer, files) unless every check passes.
 */
export function restoreRun(path: string, parts: RunParts): { state: RunState; file: string } {
  const file = resolveCheckpoint(path);
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new CheckpointError(`Cannot read checkpoint '${file}': ${(e as Error).message}.`, { file });
  }
  const { meta: raw, sections } = decodeCheckpoint(buf, file);
  const meta = raw as unknown as RunMeta;
  if (!meta.state || !Array.isArray(meta.signature) || !meta.run || !meta.optimizer)
    throw mismatch(file, 'required fields are missing');
  if (meta.signature.length !== parts.params.length) {
    throw mismatch(file, `it holds ${meta.signature.length} weights, the model has ${parts.params.length}`);
  }
  parts.params.forEach((p, i) => {
    const s = meta.signature[i];
    if (s.id !== p.id || s.shape.join(',') !== p.shape.join(',')) {
      throw mismatch(
        file,
        `weight ${i} is '${s.id}' [${s.shape}] there but '${p.id}' [${p.shape}] in the model`,
      );
    }
    if (!sections.has(`w/${p.id}`)) throw mismatch(file, `weights of '${p.id}' are missing`);
  });
  if (meta.run.batchSize !== parts.batchSize || meta.run.samples !== parts.samples) {
    throw mismatch(
      file,
      `it was written with batchSize ${meta.run.batchSize} over ${meta.run.samples} samples, this run has ${parts.batchSize} over ${parts.samples}`,
    );
  }
  if (meta.run.seed !== parts.seed || meta.run.shuffle !== parts.shuffle) {
    throw mismatch(
      file,
      `its data order came from seed ${meta.run.seed} (shuffle ${meta.run.shuffle}), this run has seed ${parts.seed} (shuffle ${parts.shuffle})`,
    );
  }
  if (meta.optimizer.name !== parts.optimizer.name)
    throw mismatch(file, `optimizer '${meta.optimizer.name}' there, '${parts.optimizer.name}' here`);
  if (parts.stopper && !meta.early)
    throw mismatch(file, 'this run uses early stopping but the checkpoint has no early-stopping state');
  const masks: MaskSet = new Map();
  for (const id of meta.masks ?? []) {
    const s = sections.get(`mask/${id}`);
    if (!s) throw mismatch(file, `mask '${id}' is missing`);
    masks.set(id, { shape: s.shape, data: s.data as Uint8Array });
  }
  const optState: OptimizerState = {
    name: meta.optimizer.name,
    scalars: meta.optimizer.scalars,
    slots: [...sections.values()]
      .filter((s) => s.name.startsWith('opt/'))
      .map((s) => ({ name: s.name.slice(4), shape: s.shape, data: s.data as Float32Array })),
  };

  // Every check passed: load.
  tf.tidy(() => {
    for (const p of parts.params)
      p.variable.assign(tf.tensor(sections.get(`w/${p.id}`)!.data as Float32Array, [...p.shape], 'float32'));
  });
  parts.optimizer.setState(optState);
  parts.masks.set(masks);
  if (parts.stopper && meta.early) {
    Object.assign(parts.stopper.state, {
      best: meta.early.best,
      bestEpoch: meta.early.bestEpoch,
      wait: meta.early.wait,
    });
    parts.stopper.loadBestValues(
      meta.early.hasBest
        ? parts.params.map((p) => sections.get(`best/${p.id}`)!.data as Float32Array)
        : undefined,
    );
  }
  if (meta.lr) parts.schedule.setState?.(meta.lr);
  return { state: meta.state, file };
}
