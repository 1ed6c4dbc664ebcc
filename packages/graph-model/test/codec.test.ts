import { describe, expect, it } from 'vitest';
import type { ManifestWeight } from '../src/json/model_json.js';
import { decodeWeights, encodeWeight } from '../src/weights/codec.js';
import { toFloat16 as floatToHalf } from '@prunekit/compress';
import { halfToFloat } from '../src/weights/float16.js';

describe('weight codec', () => {
  it('float16: every finite half decodes and encodes back to the same bits', () => {
    let checked = 0;
    const wrong: number[] = [];
    for (let h = 0; h < 0x10000; h++) {
      if (((h >> 10) & 0x1f) === 31) continue;
      if (floatToHalf(halfToFloat(h)) !== h) wrong.push(h);
      checked++;
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(63488);
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie rounds to even
    expect(halfToFloat(floatToHalf(65520))).toBe(Number.POSITIVE_INFINITY);
  });

  it('uint8: a slice of a quantized weight keeps the input grid (exact codes), zeros off the grid re-quantize with 0 exact', () => {
    const spec: ManifestWeight = {
      name: 'w',
      shape: [6],
      dtype: 'float32',
      quantization: { dtype: 'uint8', scale: 0.1, min: -0.35 },
    };
    const codes = Uint8Array.from([0, 7, 100, 255, 3, 9]);
    const [w] = decodeWeights([spec], codes.slice().buffer).values();
    const slice = Float32Array.from([w.values[1], w.values[3], w.values[5]]);
    const kept = encodeWeight(spec, slice, [3]);
    expect(kept.spec.quantization).toMatchObject({ dtype: 'uint8', scale: 0.1, min: -0.35 });
    expect([...kept.bytes]).toEqual([7, 255, 9]);
    // -0.35 + 0.1·q is never 0: a masked zero forces a fresh per-tensor range that holds 0 exactly.
    const masked = Float32Array.from([w.values[1], 0, w.values[5]]);
    const fresh = encodeWeight(spec, masked, [3]);
    const [back] = decodeWeights([fresh.spec], fresh.bytes.slice().buffer).values();
    expect(back.values[1]).toBe(0);
    expect(Math.abs(back.values[0] - masked[0])).toBeLessThanOrEqual(
      (fresh.spec.quantization!.scale ?? 0) / 2 + 1e-7,
    );
    // 'float32' drops the quantization.
    const f = encodeWeight(spec, slice, [3], 'float32');
    expect(f.spec.quantization).toBeUndefined();
    expect(f.bytes.byteLength).toBe(12);
  });

  it('names the weight when shards end early', () => {
    const spec: ManifestWeight = { name: 'conv/w', shape: [4], dtype: 'float32' };
    expect(() => decodeWeights([spec], new ArrayBuffer(8))).toThrow(/conv\/w/);
  });
});
