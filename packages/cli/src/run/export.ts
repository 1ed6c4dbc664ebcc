/**
 * What the CLI writes for a pruned model, by default the form that is actually faster and smaller:
 * BatchNormalization folded into the layer before it (one op less per block on every backend);
 * unstructured levels as prunekit sparse layers (CSR/BSR kernels; float32 zeros would run and
 * weigh as much as the dense model); in both, a ReLU6 after a conv and a depthwise conv's bias
 * run inside the conv's kernel (prunekit's fused conv layers; stock tfjs-layers runs them as
 * separate ops); and the input's tfjs weight quantization (uint8 / uint16 / float16) kept, so a
 * quantized input does not come out 4x larger. Each choice is a recipe field of `export`
 * (format: stock writes stock tfjs layers only).
 */
import type { TfjsQuantDtype } from '@prunekit/compress';
import {
  foldActivations,
  foldBatchNorm,
  planActivationFolds,
  planBatchNormFolds,
  toFusedModel,
} from '@prunekit/layers';
import { readModel } from '@prunekit/layers/node';
import { type TimedSparseLayer, timeSparseLayers, toSparseModel } from '@prunekit/sparse';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Recipe } from '../recipe/schema.js';
import type { PruneMethod } from '@prunekit/recipe';

export interface ExportPlan {
  /** stock: stock tfjs layers only; fused: prunekit's fused conv layers where they save ops; sparse: sparse layers too. */
  readonly format: 'stock' | 'fused' | 'sparse';
  readonly foldBatchNorm: boolean;
  /** ReLU (no maxValue) / Activation layers after a linear conv or dense made that layer's activation. */
  readonly foldActivations: boolean;
  /** tfjs weight quantization of the written files; undefined = float32. */
  readonly quantization?: TfjsQuantDtype;
  readonly minSparsity: number;
  /**
   * Time each candidate layer alone, dense and sparse, on the run's backend and convert only the
   * faster ones (true unless the recipe sets export.minSparsity, which then converts by threshold).
   */
  readonly measure: boolean;
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
    !e?.format || e.format === 'auto' ? (method === 'unstructured' ? 'sparse' : 'fused') : e.format;
  const q = e?.quantization ?? 'keep';
  return {
    format,
    foldBatchNorm: e?.foldBatchNorm ?? true,
    foldActivations: e?.foldActivations ?? true,
    quantization: q === 'keep' ? input : q === 'none' ? undefined : q,
    // Measured: candidates from 20% zeros (a fused pool can pay even there); fixed: the recipe's.
    minSparsity: e?.minSparsity ?? 0.2,
    measure: e?.minSparsity === undefined,
  };
}

/**
 * The model to write for `model` under `plan`: a new model (the caller disposes it), or
 * undefined when the plan changes nothing (write `model` itself); with `plan.measure`, also the
 * per-layer timings that chose the sparse layers (batch `batch`, on the current backend).
 */
export async function exportedModel(
  model: tfl.LayersModel,
  plan: ExportPlan,
  batch = 1,
): Promise<{ model?: tfl.LayersModel; sparseLayers?: TimedSparseLayer[] }> {
  let out: tfl.LayersModel | undefined;
  if (plan.foldBatchNorm && planBatchNormFolds(model).length > 0) out = await foldBatchNorm(model);
  // After the BN folds: conv → BN → ReLU becomes conv → ReLU, and then one layer.
  if (plan.foldActivations && planActivationFolds(out ?? model).length > 0) {
    const folded = await foldActivations(out ?? model);
    out?.dispose();
    out = folded;
  }
  if (plan.format === 'stock') return { model: out };
  let sparseLayers: TimedSparseLayer[] | undefined;
  if (plan.format === 'sparse') {
    const from = out ?? model;
    sparseLayers = plan.measure
      ? await timeSparseLayers(from, { minSparsity: plan.minSparsity, batch, clock: 'cpu' })
      : undefined;
    const only = sparseLayers?.filter((t) => t.faster).map((t) => t.layer);
    const sparse = await toSparseModel(from, { minSparsity: plan.minSparsity, only });
    out?.dispose();
    out = sparse;
  }
  // Last, so a ReLU6 after a sparse layer goes into its kernel too (both forms were timed without it).
  const fused = await toFusedModel(out ?? model);
  if (fused) {
    out?.dispose();
    out = fused;
  }
  return { model: out, ...(sparseLayers ? { sparseLayers } : {}) };
}

/** One line for the report: what was written. */
export function describeExport(plan: ExportPlan): string {
  return [
    plan.format === 'stock'
      ? 'stock layers'
      : plan.format === 'fused'
        ? 'fused conv layers (ReLU6, depthwise bias in the kernel)'
        : plan.measure
          ? `sparse layers where timed faster (candidates from ${plan.minSparsity} sparsity)`
          : `sparse layers (min sparsity ${plan.minSparsity})`,
    plan.foldBatchNorm ? 'BatchNorm folded' : 'BatchNorm kept',
    plan.foldActivations ? 'activations folded' : 'activation layers kept',
    plan.quantization ? `${plan.quantization} weights` : 'float32 weights',
  ].join(', ');
}
