/**
 * What the CLI writes for a pruned model, by default the form that is actually faster and smaller:
 * BatchNormalization folded into the layer before it (one op less per block on every backend);
 * unstructured levels as prunekit sparse layers (CSR/BSR kernels; float32 zeros would run and
 * weigh as much as the dense model); structured levels as stock layers; and the input's tfjs
 * weight quantization (uint8 / uint16 / float16) kept, so a quantized input does not come out
 * 4x larger. Each choice is a recipe field of `export`.
 */
import type { TfjsQuantDtype } from '@prunekit/compress';
import { foldBatchNorm, planBatchNormFolds } from '@prunekit/layers';
import { readModel } from '@prunekit/layers/node';
import { toSparseModel } from '@prunekit/sparse';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Recipe } from '../recipe/schema.js';
import type { PruneMethod } from '@prunekit/recipe';

export interface ExportPlan {
  readonly format: 'stock' | 'sparse';
  readonly foldBatchNorm: boolean;
  /** tfjs weight quantization of the written files; undefined = float32. */
  readonly quantization?: TfjsQuantDtype;
  readonly minSparsity: number;
}

/** The weight quantization of a saved model's float weights (the first one found), if any. */
export async function inputQuantization(modelPath: string): Promise<TfjsQuantDtype | undefined> {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:\/\//.test(modelPath) && !modelPath.startsWith('file:')) return undefined;
  const read = await readModel(modelPath);
  for (const g of read.json.weightsManifest) {
    for (const w of g.weights) if (w.dtype === 'float32' && w.quantization) return w.quantization.dtype;
  }
  return undefined;
}

export function exportPlan(
  recipe: Recipe,
  method: PruneMethod,
  input: TfjsQuantDtype | undefined,
): ExportPlan {
  const e = recipe.export;
  const format =
    !e?.format || e.format === 'auto' ? (method === 'unstructured' ? 'sparse' : 'stock') : e.format;
  const q = e?.quantization ?? 'keep';
  return {
    format,
    foldBatchNorm: e?.foldBatchNorm ?? true,
    quantization: q === 'keep' ? input : q === 'none' ? undefined : q,
    minSparsity: e?.minSparsity ?? 0.5,
  };
}

/**
 * The model to write for `model` under `plan`: a new model (the caller disposes it), or
 * undefined when the plan changes nothing (write `model` itself).
 */
export async function exportedModel(
  model: tfl.LayersModel,
  plan: ExportPlan,
): Promise<tfl.LayersModel | undefined> {
  let out: tfl.LayersModel | undefined;
  if (plan.foldBatchNorm && planBatchNormFolds(model).length > 0) out = await foldBatchNorm(model);
  if (plan.format === 'sparse') {
    const from = out ?? model;
    const sparse = await toSparseModel(from, { minSparsity: plan.minSparsity });
    out?.dispose();
    out = sparse;
  }
  return out;
}

/** One line for the report: what was written. */
export function describeExport(plan: ExportPlan): string {
  return [
    plan.format === 'sparse' ? `sparse layers (min sparsity ${plan.minSparsity})` : 'stock layers',
    plan.foldBatchNorm ? 'BatchNorm folded' : 'BatchNorm kept',
    plan.quantization ? `${plan.quantization} weights` : 'float32 weights',
  ].join(', ');
}
