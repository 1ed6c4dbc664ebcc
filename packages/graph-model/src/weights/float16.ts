/**
 * IEEE half → float (Node 20 has no Float16Array), as tfjs's float16 weight decoder reads it. The
 * encoder is @prunekit/compress's `float16Array` (round to nearest even, so a value that came from
 * float16 encodes back to the same bits).
 */

export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
