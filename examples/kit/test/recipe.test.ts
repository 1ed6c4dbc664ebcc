// Recipe reading: every failure is a typed error naming the file and, for a value, the field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, ModelFormatError } from '@prunekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldPath, loadYamlRecipe, parseYamlRecipe } from '../src/index.js';

const schema = z.strictObject({
  seed: z.int({ error: 'an integer' }),
  levels: z.array(z.number().max(1, { error: 'a fraction ≤ 1' })),
});

describe('example-kit recipes', () => {
  it('loads a valid file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-recipe-'));
    const file = join(dir, 'r.yaml');
    writeFileSync(file, 'seed: 3\nlevels: [0.5, 0.8]\n');
    expect(loadYamlRecipe(schema, file)).toEqual({ seed: 3, levels: [0.5, 0.8] });
  });

  it('names the file when it is missing or not YAML', () => {
    expect(() => loadYamlRecipe(schema, '/nonexistent/r.yaml')).toThrow(ModelFormatError);
    expect(() => loadYamlRecipe(schema, '/nonexistent/r.yaml')).toThrow(/\/nonexistent\/r\.yaml not found/);
    expect(() => parseYamlRecipe(schema, 'seed: [1,', 'bad.yaml')).toThrow(/bad\.yaml: not valid YAML/);
  });

  it('names the field of a bad value or an unknown key', () => {
    const bad = (text: string) => () => parseYamlRecipe(schema, text, 'r.yaml');
    expect(bad('seed: 1\nlevels: [0.5, 2]\n')).toThrow(InvalidArgumentError);
    expect(bad('seed: 1\nlevels: [0.5, 2]\n')).toThrow(/r\.yaml: levels\[1\]: a fraction ≤ 1\. Fix it/);
    expect(bad('seed: x\nlevels: []\n')).toThrow(/r\.yaml: seed: an integer/);
    expect(bad('seed: 1\nlevels: []\nextra: 1\n')).toThrow(/r\.yaml: \(root\): unknown keys \(extra\)/);
    expect(fieldPath(['a', 'b', 2, 'c'])).toBe('a.b[2].c');
  });
});
