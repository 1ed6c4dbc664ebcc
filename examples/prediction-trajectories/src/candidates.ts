/** The models `start` compares: the baseline, structured models per MACs target, unstructured per level. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MaskSet } from '@prunekit/core';
import { cloneModel } from '@prunekit/layers';
import { pruneUnstructuredCopy } from '@prunekit/example-kit';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Recipe } from './recipe.js';
import { pruneToMacs } from './structured.js';

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface Candidate {
  readonly name: string;
  /** 'control': the baseline fine-tuned with the same budget, nothing removed. */
  readonly method: 'none' | 'control' | 'structured' | 'unstructured';
  /** Channel ratio (structured) or weight sparsity (unstructured). */
  readonly level: number;
  readonly model: tfl.LayersModel;
  readonly masks?: MaskSet;
  /** Structured: the MACs target and the per-layer table. */
  readonly target?: number;
  readonly table?: string;
}

export const pct = (v: number) => `${Math.round(v * 100)}`;

export async function structuredCandidates(baseline: tfl.LayersModel, r: Recipe): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const target of r.structured.macsReductions) {
    const s = await pruneToMacs(baseline, { target, ...r.structured, seed: r.seed });
    out.push({
      name: `structured-${target}x`,
      method: 'structured',
      level: s.ratio,
      model: s.model,
      target,
      table: s.table,
    });
  }
  return out;
}

/** The recipe's unstructured section at each level (the shared prune stage); the masks are kept for fine-tuning. */
export async function unstructuredCandidates(baseline: tfl.LayersModel, r: Recipe): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const level of r.unstructured.levels) {
    const res = await pruneUnstructuredCopy(baseline, r, level, exampleDir);
    out.push({
      name: `unstructured-${pct(level)}`,
      method: 'unstructured',
      level,
      model: res.model,
      masks: res.masks,
    });
  }
  return out;
}

/** The baseline, copied, to be fine-tuned like the pruned models: what the extra training alone gives. */
export async function controlCandidate(baseline: tfl.LayersModel): Promise<Candidate> {
  return { name: 'baseline-finetuned', method: 'control', level: 0, model: await cloneModel(baseline) };
}
