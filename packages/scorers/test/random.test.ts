import '@tensorflow/tfjs-backend-cpu';
import { InvalidArgumentError, createRng } from '@prunekit/core';
import { conformanceGraph } from '@prunekit/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { random } from '../src/index.js';

describe('random', () => {
  const fx = conformanceGraph(5);
  afterAll(() => fx.graph.dispose());
  const param = fx.graph.param('fc/kernel');

  it('gives scores in [0, 1) that depend on the seed, not on call order', async () => {
    const ctx = { graph: fx.graph, rng: createRng(0) };
    const s = random({ seed: 1 });
    await s.score({ kind: 'weight', param: fx.graph.param('conv/kernel') }, ctx);
    const a = await s.score({ kind: 'weight', param }, ctx);
    const b = await random({ seed: 1 }).score({ kind: 'weight', param }, ctx);
    const c = await random({ seed: 2 }).score({ kind: 'weight', param }, ctx);
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.values)).not.toEqual(Array.from(c.values));
    for (const v of a.values) expect(v >= 0 && v < 1).toBe(true);
  });

  it('without a seed draws from the context rng', async () => {
    const a = await random().score({ kind: 'weight', param }, { graph: fx.graph, rng: createRng(9) });
    const b = await random().score({ kind: 'weight', param }, { graph: fx.graph, rng: createRng(9) });
    const c = await random().score({ kind: 'weight', param }, { graph: fx.graph, rng: createRng(10) });
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.values)).not.toEqual(Array.from(c.values));
  });

  it('refuses a seed that is not a 32-bit unsigned integer', () => {
    expect(() => random({ seed: -1 })).toThrow(InvalidArgumentError);
    expect(() => random({ seed: 1.5 })).toThrow(/seed must be an integer/);
  });
});
