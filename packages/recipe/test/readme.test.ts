// The README's example is this fixture verbatim, and it runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

const here = import.meta.dirname;

describe('README example', () => {
  it('is test/fixtures/readme_example.ts and runs: a 2:4 pruned copy, the dense model untouched', async () => {
    const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
    const block = readme.match(/```ts\n([\s\S]*?)```/)?.[1];
    const fixture = readFileSync(join(here, 'fixtures', 'readme_example.ts'), 'utf8');
    expect(block).toBe(fixture.replace(/export \{ dense, pruned \};\n$/, ''));
    const { dense, pruned } = await import('./fixtures/readme_example.js');
    expect(pruned.achieved).toBe(0.5);
    const w = pruned.model.layers[0].getWeights()[0].dataSync(); // [16 in, 8 out]
    for (let o = 0; o < 8; o++) {
      for (let g = 0; g < 16; g += 4) {
        let kept = 0;
        for (let i = g; i < g + 4; i++) if (w[i * 8 + o] !== 0) kept++;
        expect(kept).toBe(2);
      }
    }
    const d = dense.layers[0].getWeights()[0].dataSync();
    expect([...d].filter((v) => v === 0)).toHaveLength(0);
    const before = tf.memory().numTensors;
    pruned.model.dispose();
    dense.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
  });
});
