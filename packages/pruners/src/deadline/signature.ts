import type * as tfl from '@tensorflow/tfjs-layers';

/**
 * What a layer's run time depends on: its class, the config fields that shape the computation
 * (widths, kernel, strides, padding, activation…) and its input shapes at the measured batch.
 * Names, initializers, regularizers and constraints do not change the time and are left out, so
 * two layers of the same shape in different models share one latency-table entry.
 */
export interface LayerSignature {
  readonly className: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Input shapes with the batch dimension set. */
  readonly inputShapes: readonly (readonly number[])[];
  /** The table key: a stable string of the three fields above. */
  readonly key: string;
}

const TIMELESS =
  /initializer|regularizer|constraint|^name$|^trainable$|^dtype$|batchInputShape|inputShape|^seed$/i;

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${k}:${stable(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

function shapesOf(layer: tfl.layers.Layer): number[][] {
  const node = layer.inboundNodes[0];
  const tensors = node ? node.inputTensors : [];
  return tensors.map((t) => t.shape.slice(1).map((d) => d ?? -1));
}

/** The signature of `layer` (as it sits in its model) at batch size `batch`. */
export function layerSignature(layer: tfl.layers.Layer, batch: number): LayerSignature {
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(layer.getConfig())) if (!TIMELESS.test(k)) config[k] = v;
  const inputShapes = shapesOf(layer).map((s) => [batch, ...s]);
  const className = layer.getClassName();
  const key = `${className}|${stable(config)}|${stable(inputShapes)}`;
  return { className, config, inputShapes, key };
}

/** Signatures of the layers of a model that compute something (InputLayers cost nothing). */
export function modelSignatures(model: tfl.LayersModel, batch: number): LayerSignature[] {
  return model.layers.filter((l) => l.getClassName() !== 'InputLayer').map((l) => layerSignature(l, batch));
}
