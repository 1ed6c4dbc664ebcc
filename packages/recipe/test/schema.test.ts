import { registerScorer, scorerEntries } from '@prunekit/scorers';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkRecipe, extendRecipe, granularityOf, recipeSchema, scheduleFor } from '../src/index.js';

const msg = (doc: unknown, schema: z.ZodType = recipeSchema) => {
  try {
    checkRecipe(schema, doc, 'r.yaml');
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('recipe schema', () => {
  it('every registered scorer is accepted by name, with its own options checked', () => {
    expect(scorerEntries().length).toBeGreaterThanOrEqual(16);
    for (const e of scorerEntries()) {
      const r = checkRecipe(
        recipeSchema,
        { structured: { scorer: { name: e.name }, levels: [0.5] } },
        'r.yaml',
      );
      expect(r.structured?.scorer.name).toBe(e.name);
    }
    expect(msg({ unstructured: { scorer: { name: 'magic' } } })).toMatch(
      /unstructured\.scorer\.name must be one of magnitude, random, .*obd.*, got "magic"/,
    );
    expect(msg({ unstructured: { scorer: { name: 'taylor', p: 2 } } })).toMatch(
      /unstructured\.scorer\.p must be an option of scorer 'taylor' \(allowed: name, reduction, normalizer, bias, channel\), got 2/,
    );
    expect(msg({ unstructured: { scorer: { name: 'magnitude', p: 3 } } })).toMatch(
      /unstructured\.scorer\.p must be 1 or 2/,
    );
  });

  it('defaults the scorer and granularity; reads N:M, block and schedules', () => {
    const r = checkRecipe(
      recipeSchema,
      {
        unstructured: {
          levels: [0.5],
          granularity: { kind: 'nm', n: 2, m: 4 },
          steps: 3,
          schedule: { type: 'polynomialDecay', end: 2 },
        },
        structured: { ratio: 0.3, steps: 2 },
      },
      'r.yaml',
    );
    expect(r.unstructured?.scorer).toEqual({ name: 'magnitude', options: { p: 1 } });
    expect(r.structured?.scorer).toEqual({ name: 'magnitude', options: { p: 2 } });
    expect(granularityOf(r.unstructured!.granularity)).toEqual({ kind: 'nm', n: 2, m: 4 });
    const s = scheduleFor(r.unstructured!.schedule, 0.8, 3);
    expect(s.at(2).sparsity).toBeCloseTo(0.8);
    expect(s.at(0).sparsity).toBeCloseTo(0);
    expect(scheduleFor(undefined, 0.6, 3).at(1).sparsity).toBeCloseTo(0.4);
    expect(
      checkRecipe(recipeSchema, { unstructured: { granularity: 'element' } }, 'r').unstructured?.granularity,
    ).toEqual({
      kind: 'element',
    });
    expect(msg({ unstructured: { granularity: { kind: 'block', rows: 0, cols: 1 } } })).toMatch(
      /unstructured\.granularity/,
    );
    expect(msg({ channels: { levels: [0.5] } })).toMatch(/unknown key 'channels' \(allowed: .*structured/);
  });

  it('a scorer registered later is accepted without another edit', () => {
    expect(msg({ unstructured: { scorer: { name: 'fixtureLater' } } })).toMatch(/must be one of/);
    registerScorer({
      name: 'fixtureLater',
      summary: 'test fixture',
      options: z.strictObject({ k: z.number().optional() }),
      create: () => ({
        name: 'fixtureLater',
        needs: ['weights'],
        score: async () => ({ kind: 'weight', param: '', shape: [], values: new Float32Array() }),
      }),
    });
    const r = checkRecipe(recipeSchema, { unstructured: { scorer: { name: 'fixtureLater', k: 2 } } }, 'r');
    expect(r.unstructured?.scorer).toEqual({ name: 'fixtureLater', options: { k: 2 } });
  });

  it('examples extend it with their own sections, still strict', () => {
    const schema = extendRecipe({ closedLoop: z.strictObject({ worlds: z.number() }) });
    expect(checkRecipe(schema, { closedLoop: { worlds: 3 } }, 'r').closedLoop.worlds).toBe(3);
    expect(msg({ closedLoop: { worlds: 3, x: 1 } }, schema)).toMatch(
      /unknown key 'x' in closedLoop \(allowed: worlds\)/,
    );
    expect(msg({ module: { module: 'x' } })).toMatch(/unknown key 'module'/);
  });

  it('a module scorer keeps module, export and options', () => {
    const r = checkRecipe(
      recipeSchema,
      { structured: { scorer: { module: 'pkg', export: 'mine', options: { a: 1 } } } },
      'r',
    );
    expect(r.structured?.scorer).toEqual({
      name: 'pkg#mine',
      module: 'pkg',
      export: 'mine',
      options: { a: 1 },
    });
  });
});
