import { describe, expect, it } from 'vitest';
import { createProgress } from '../src/index.js';
import { captureIO } from './fixtures/capture.js';

describe('progress output', () => {
  it('redraws one bar on a terminal and clears it before a log line', () => {
    const io = { ...captureIO(), tty: true };
    let err = '';
    const p = createProgress({
      ...io,
      stderr: (t) => {
        err += t;
      },
    });
    p.tick('fine-tune', 5, 10);
    p.tick('fine-tune', 10, 10);
    p.log('done');
    expect(err).toContain('[##############--------------]  50% fine-tune');
    expect(err).toContain('[############################] 100% fine-tune');
    expect(err.endsWith('\r\x1b[2Kdone\n')).toBe(true);
  });

  it('prints plain lines (no control characters) otherwise, and nothing when quiet', () => {
    const io = captureIO();
    const p = createProgress(io);
    p.tick('scoring', 1, 2);
    p.tick('scoring', 1, 2);
    p.tick('scoring', 2, 2);
    p.log('ok');
    expect(io.err).toBe('scoring: 1/2\nscoring: 2/2\nok\n');
    const q = captureIO();
    createProgress(q, true).log('hidden');
    expect(q.err).toBe('');
  });
});
