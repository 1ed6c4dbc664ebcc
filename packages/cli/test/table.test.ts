import { describe, expect, it } from 'vitest';
import { formatTable, roundCell } from '../src/table.js';

describe('text tables', () => {
  it('print integer counts exactly and round fractional scores to 4 significant digits', () => {
    expect(roundCell(18432)).toBe(18432);
    expect(roundCell(0.000123456)).toBe(0.0001235);
    expect(roundCell(1234.5678)).toBe(1235);
    const text = formatTable([
      ['param', 'count', 'mean'],
      ['conv/kernel', roundCell(18432), roundCell(0.123456)],
    ]);
    expect(text).toContain('18432');
    expect(text).toContain('0.1235');
  });
});
