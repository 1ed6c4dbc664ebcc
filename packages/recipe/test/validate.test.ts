// Recipe reading: every failure is a RecipeError naming the file and, for a value, the field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@prunekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldPath, parseRecipe, RecipeError } from '../src/index.js';
import { loadRecipeFile } from '../src/node.js';

const schema = z.strictObject({
  seed: z.int({ error: 'an integer' }),
  levels: z.array(z.number().max(1, { error: 'a fraction ≤ 1' })),
});

describe('recipe files', () => {
  it('loads a valid YAML or JSON file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recipe-'));
    writeFileSync(join(dir, 'r.yaml'), 'seed: 3\nlevels: [0.5, 0.8]\n');
    writeFileSync(join(dir, 'r.json'), '{"seed": 3, "levels": [0.5]}');
    expect(loadRecipeFile(schema, join(dir, 'r.yaml'))).toEqual({ seed: 3, levels: [0.5, 0.8] });
    expect(loadRecipeFile(schema, join(dir, 'r.json'))).toEqual({ seed: 3, levels: [0.5] });
  });

  it('names the file when it is missing or not YAML', () => {
    expect(() => loadRecipeFile(schema, '/nonexistent/r.yaml')).toThrow(RecipeError);
    expect(() => loadRecipeFile(schema, '/nonexistent/r.yaml')).toThrow(
      /Cannot read recipe '\/nonexistent\/r\.yaml': ENOENT/,
    );
    expect(() => parseRecipe(schema, 'seed: [1,', 'bad.yaml')).toThrow(/bad\.yaml: not valid YAML/);
    expect(() => parseRecipe(schema, '{"seed": ', 'bad.json')).toThrow(/bad\.json: not valid JSON/);
  });

  it('names the field of a bad value or an unknown key', () => {
    const bad = (text: string) => () => parseRecipe(schema, text, 'r.yaml');
    expect(bad('seed: 1\nlevels: [0.5, 2]\n')).toThrow(InvalidArgumentError);
    expect(bad('seed: 1\nlevels: [0.5, 2]\n')).toThrow(
      /r\.yaml: levels\[1\] must be a fraction ≤ 1, got 2\. Fix it/,
    );
    expect(bad('seed: x\nlevels: []\n')).toThrow(/r\.yaml: seed must be an integer, got "x"/);
    expect(bad('seed: 1\nlevels: []\nextra: 1\n')).toThrow(
      /r\.yaml: unknown key 'extra' \(allowed: seed, levels\)/,
    );
    expect(bad('levels: []\n')).toThrow(/r\.yaml: seed is required \(an integer\)/);
    expect(fieldPath(['a', 'b', 2, 'c'])).toBe('a.b[2].c');
  });
});
