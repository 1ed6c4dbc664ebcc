import { NonFiniteError } from '@prunekit/core';
import type { WeightSpec } from './manifest.js';
import { specBytes } from './manifest.js';

function nonFinite(weight: string, where: string, what: string, index: number): never {
  throw new NonFiniteError(
    `Weight '${weight}' in ${where} holds ${what} at flat index ${index}. ` +
      'Retrain or repair the model (lower the learning rate, clip gradients) before pruning or saving it.',
    { weight, where, index },
  );
}

/** Checks the float weights laid out by `specs` in `data` for NaN / ±Infinity; names the weight. */
export function checkWeightsFinite(specs: readonly WeightSpec[], data: ArrayBuffer, where: string): void {
  let offset = 0;
  for (const spec of specs) {
    const bytes = specBytes(spec);
    const q = spec.quantization;
    if (q) {
      if (q.dtype === 'float16') {
        const h = new Uint16Array(data.slice(offset, offset + bytes));
        for (let i = 0; i < h.length; i++) {
          if ((h[i] & 0x7c00) === 0x7c00) nonFinite(spec.name, where, h[i] & 0x03ff ? 'NaN' : 'Infinity', i);
        }
      } else if (!Number.isFinite(q.scale ?? 0) || !Number.isFinite(q.min ?? 0)) {
        nonFinite(spec.name, where, 'a non-finite quantization scale or min', 0);
      }
    } else if (spec.dtype === 'float32') {
      // slice: offsets after bool or uint8 weights need not be 4-aligned
      const v = new Float32Array(data.slice(offset, offset + bytes));
      for (let i = 0; i < v.length; i++) {
        if (!Number.isFinite(v[i])) nonFinite(spec.name, where, Number.isNaN(v[i]) ? 'NaN' : 'Infinity', i);
      }
    }
    offset += bytes;
  }
}
