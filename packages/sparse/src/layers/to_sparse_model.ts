import { InvalidArgumentError, PrunekitError, checkRange } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { callsIn, flattenNested, getLayerSpec } from '@prunekit/layers';
import * as tfl from '@tensorflow/tfjs-layers';
import { type FormatSpec, fromKernel } from '../formats/from_kernel.js';
import { sparseAttrsOf } from '../formats/sparse_tensors.js';
import type { SparseMatrix } from '../formats/types.js';
import { SPARSE_LAYER_ACTIVATIONS } from './activation.js';
import { SparseConv2D } from './sparse_conv2d_layer.js';
import { SparseDense } from './sparse_dense.js';
import type { SparseLayerOperand } from './sparse_weights.js';

/** Options of toSparseModel and sparsePlan: the sparsity a layer needs, the format and pooling fusion. */
export interface ToSparseOptions {
  /** Convert a layer only when at least this fraction of its kernel is zero (default 0.5). */
  minSparsity?: number;
  /** Format for converted layers (default CSR). Layers the format does not fit fall back to CSR. */
  format?: FormatSpec;
  /**
   * In a Sequential model, fold a MaxPooling2D ('valid', stride = window) that directly follows a
   * converted Conv2D with a relu/relu6/linear activation into that SparseConv2D: the pool then runs
   * while the conv output is written, and the model has one layer less to execute. Default true:
   * every backend prunekit registers SparseConv2D for (cpu, wasm, webgl, webgpu) implements the
   * `pool` attribute; pass false for a backend whose kernel does not.
   */
  fusePooling?: boolean;
  /**
   * Convert only the layers named here (each still needs `minSparsity` and a supported activation
   * and layout); e.g. the layers timeSparseLayers measured faster sparse. Default: every layer.
   */
  only?: readonly string[];
}

/** What toSparseModel did with one Dense/Conv2D layer. */
export interface SparseLayerDecision {
  layer: string;
  className: string;
  sparsity: number;
  converted: boolean;
  format?: string;
  reason: string;
}

interface Plan {
  decision: SparseLayerDecision;
  matrix?: SparseMatrix;
  bias?: tf.Tensor;
}

const isPair = (v: unknown) => Array.isArray(v) && v.length === 2;

function zerosFraction(data: Float32Array): number {
  let z = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0) z++;
  return data.length ? z / data.length : 0;
}

function planLayer(
  model: tfl.LayersModel,
  layer: tfl.layers.Layer,
  minSparsity: number,
  spec: FormatSpec,
  only?: readonly string[],
): Plan | undefined {
  const className = layer.getClassName();
  if (className !== 'Dense' && className !== 'Conv2D') return undefined;
  const config = layer.getConfig();
  const decision: SparseLayerDecision = {
    layer: layer.name,
    className,
    sparsity: 0,
    converted: false,
    reason: '',
  };
  const weights = layer.getWeights();
  const kernel = weights[0];
  const kernelData = kernel.dataSync() as Float32Array;
  decision.sparsity = zerosFraction(kernelData);
  const activation = String(config.activation ?? 'linear');
  const calls = callsIn(model, layer);
  if (calls.length !== 1) {
    decision.reason = 'shared layer (several inbound nodes): kept dense';
    return { decision };
  }
  // A node's inputShapes is one shape or a list of them, by how the layer was called.
  const shapes = calls[0].inputShapes as unknown[];
  const inputRank = (Array.isArray(shapes[0]) ? (shapes[0] as unknown[]) : shapes).length;
  if (!SPARSE_LAYER_ACTIVATIONS.includes(activation))
    decision.reason = `activation '${activation}' not supported: kept dense`;
  else if (className === 'Dense' && inputRank !== 2)
    decision.reason = `input of rank ${inputRank}: kept dense`;
  else if (className === 'Conv2D' && (config.dataFormat ?? 'channelsLast') !== 'channelsLast')
    decision.reason = 'channelsFirst: kept dense';
  else if (className === 'Conv2D' && config.padding === 'causal')
    decision.reason = 'causal padding: kept dense';
  else if (decision.sparsity < minSparsity) {
    decision.reason = `sparsity ${decision.sparsity.toFixed(3)} < minSparsity ${minSparsity}: kept dense`;
  } else if (only && !only.includes(layer.name)) decision.reason = "not in 'only': kept dense";
  if (decision.reason) return { decision };
  const label = `layer '${layer.name}' kernel`;
  // The kernel's output-channel axis as the layer's spec states it (Dense 1, Conv2D 3).
  const outAxis = getLayerSpec(className)?.params.kernel?.outAxis ?? kernel.shape.length - 1;
  let matrix: SparseMatrix;
  try {
    matrix = fromKernel(kernelData, kernel.shape, spec, undefined, label, outAxis);
    decision.reason = 'converted';
  } catch (e) {
    if (!(e instanceof PrunekitError) || spec.format === 'csr') throw e;
    matrix = fromKernel(kernelData, kernel.shape, { format: 'csr' }, undefined, label, outAxis);
    decision.reason = `converted as CSR (${spec.format} did not fit: ${e.message})`;
  }
  decision.converted = true;
  decision.format =
    matrix.format === 'bsr'
      ? `bsr ${matrix.blockShape.join('x')}`
      : matrix.format === 'nm'
        ? `${matrix.n}:${matrix.m}`
        : 'csr';
  return { decision, matrix, bias: config.useBias ? weights[1] : undefined };
}

/** Decides, layer by layer, what toSparseModel would convert (no model is built). */
export function sparsePlan(input: tfl.LayersModel, opts: ToSparseOptions = {}): SparseLayerDecision[] {
  const min = checkRange('minSparsity', opts.minSparsity ?? 0.5, 0, 1, { maxInclusive: true });
  const model = flattenNested(input);
  return model.layers.flatMap(
    (l) => planLayer(model, l, min, opts.format ?? { format: 'csr' }, opts.only)?.decision ?? [],
  );
}

const snake = (o: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]),
  );

function operandConfig(m: SparseMatrix): SparseLayerOperand {
  return {
    ...sparseAttrsOf(m),
    valuesLength: m.values.length,
    indicesLength: m.format === 'nm' ? m.indices.length : m.colIdx.length,
    rowPtrLength: m.format === 'nm' ? 0 : m.rowPtr.length,
  };
}

/** The pythonic (model.json) config of the sparse layer replacing `cfg`. */
function sparseLayerJson(className: string, cfg: Record<string, unknown>, m: SparseMatrix) {
  const keep = (keys: string[]) => Object.fromEntries(keys.filter((k) => k in cfg).map((k) => [k, cfg[k]]));
  const common = {
    ...keep(['name', 'batch_input_shape', 'dtype', 'activation', 'use_bias']),
    trainable: false,
  };
  const sparse = snake(operandConfig(m) as unknown as Record<string, unknown>);
  if (className === 'Dense') {
    return { class_name: SparseDense.className, config: { ...common, units: cfg.units, sparse } };
  }
  const pair = (v: unknown) => (isPair(v) ? v : [v, v]);
  return {
    class_name: SparseConv2D.className,
    config: {
      ...common,
      filters: cfg.filters,
      kernel_size: pair(cfg.kernel_size),
      strides: pair(cfg.strides ?? 1),
      padding: cfg.padding,
      dilation_rate: pair(cfg.dilation_rate ?? 1),
      sparse,
    },
  };
}

const FUSABLE_ACTIVATIONS = ['linear', 'relu', 'relu6', undefined];

/** The pool window of a MaxPooling2D entry that can be folded into the conv entry before it. */
export function fusablePool(
  conv: { class_name: string; config: Record<string, unknown> },
  next: unknown,
): [number, number] | undefined {
  const n = next as { class_name?: string; config?: Record<string, unknown> } | undefined;
  if (conv.class_name !== 'Conv2D' || n?.class_name !== 'MaxPooling2D' || !n.config) return undefined;
  if (!FUSABLE_ACTIVATIONS.includes(conv.config.activation as string | undefined)) return undefined;
  const c = n.config;
  const size = (isPair(c.pool_size) ? c.pool_size : [c.pool_size, c.pool_size]) as number[];
  const strides = (
    c.strides == null ? size : isPair(c.strides) ? c.strides : [c.strides, c.strides]
  ) as number[];
  const channelsLast =
    c.data_format == null || c.data_format === 'channels_last' || c.data_format === 'channelsLast';
  const ok = c.padding === 'valid' && channelsLast && strides[0] === size[0] && strides[1] === size[1];
  return ok ? [size[0], size[1]] : undefined;
}

function operandTensors(m: SparseMatrix): tf.Tensor[] {
  return m.format === 'nm'
    ? [tf.tensor1d(m.values), tf.tensor1d(Int32Array.from(m.indices), 'int32')]
    : [tf.tensor1d(m.values), tf.tensor1d(m.colIdx, 'int32'), tf.tensor1d(m.rowPtr, 'int32')];
}

/**
 * A new model where every Dense/Conv2D layer whose kernel is at least `minSparsity` zeros (and
 * whose activation and layout sparse layers support) becomes a SparseDense/SparseConv2D holding
 * only the kept weights; the other layers keep their weights. In a Sequential model a MaxPooling2D
 * right after a converted conv can be folded into it (`fusePooling`). The input model is not changed.
 * Nested models are flattened first (flattenNested): the layers inside them convert too and the
 * result is one flat model.
 */
export async function toSparseModel(
  input: tfl.LayersModel,
  opts: ToSparseOptions = {},
): Promise<tfl.LayersModel> {
  // A nested model (a backbone used as a layer) is converted through its flat view, so the layers
  // inside it become sparse too; the sparse model is then flat, like channel surgery's output.
  const model = flattenNested(input);
  const min = checkRange('minSparsity', opts.minSparsity ?? 0.5, 0, 1, { maxInclusive: true });
  const spec = opts.format ?? { format: 'csr' };
  const plans = new Map<string, Plan>();
  for (const l of model.layers) {
    const p = planLayer(model, l, min, spec, opts.only);
    if (p?.matrix) plans.set(l.name, p);
  }
  const topology = model.toJSON(null, false) as unknown as { config: { layers: Record<string, unknown>[] } };
  const layerList = topology.config?.layers;
  if (!Array.isArray(layerList)) {
    throw new InvalidArgumentError('toSparseModel: the model topology has no layer list (config.layers).');
  }
  const sequential = (topology as unknown as { class_name?: string }).class_name === 'Sequential';
  for (let i = 0; i < layerList.length; i++) {
    const entry = layerList[i] as { class_name: string; config: Record<string, unknown> };
    const plan = plans.get(entry.config.name as string);
    if (!plan?.matrix) continue;
    const replaced = sparseLayerJson(entry.class_name, entry.config, plan.matrix);
    const pool = sequential && opts.fusePooling !== false ? fusablePool(entry, layerList[i + 1]) : undefined;
    if (pool) {
      (replaced.config as Record<string, unknown>).pool = pool;
      layerList.splice(i + 1, 1);
    }
    layerList[i] = { ...entry, ...replaced };
  }
  const sparse = await tfl.models.modelFromJSON({ modelTopology: topology } as never);
  for (const layer of sparse.layers) {
    const plan = plans.get(layer.name);
    if (plan?.matrix) {
      const ws = [...operandTensors(plan.matrix), ...(plan.bias ? [plan.bias.clone()] : [])];
      layer.setWeights(ws);
      tf.dispose(ws);
    } else if (layer.weights.length) {
      layer.setWeights(model.getLayer(layer.name).getWeights());
    }
  }
  return sparse;
}
