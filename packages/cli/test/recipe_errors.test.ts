import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, main } from '../src/index.js';
import { captureIO } from './fixtures/capture.js';
import { saveTinyModel } from './fixtures/tiny_model.js';

const here = dirname(fileURLToPath(import.meta.url));
let dir: string;
let model: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prunekit-cli-recipe-'));
  model = join(dir, 'model');
  await saveTinyModel(model);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases: [string, string, RegExp][] = [
  [
    'unknown key',
    'unstructured:\n  levels: [0.5]\n  bogus: 1\n',
    /unknown key 'bogus' in unstructured \(allowed: scorer, scope, ignore, levels, ratio, granularity, steps, schedule, pruner\)/,
  ],
  [
    'wrong type',
    'seed: "seven"\nunstructured: { levels: [0.5] }\n',
    /seed must be an integer in \[0, 4294967295\], got "seven"/,
  ],
  [
    'ratio 1.5',
    'unstructured:\n  levels: [0.5, 1.5]\n',
    /unstructured\.levels\[1\] must be a number in \[0, 1\) \(fraction to prune\), got 1\.5/,
  ],
  [
    'unknown scorer',
    'unstructured:\n  scorer: { name: magic }\n  levels: [0.5]\n',
    /unstructured\.scorer\.name must be one of magnitude, random, taylor, .*, got "magic"/,
  ],
  [
    'unknown top-level key (JSON)',
    '{"unstructured": {"levels": [0.5]}, "prune": 1}',
    /unknown key 'prune' \(allowed: name, seed, model, backend, data, /,
  ],
  [
    'old section name',
    'channels:\n  levels: [0.5]\n',
    /section 'channels' is now called 'structured'; rename it in the recipe/,
  ],
  [
    'misspelt section',
    'unstructred:\n  levels: [0.5]\n',
    /unknown key 'unstructred' \(allowed: name, seed, /,
  ],
  [
    'option of another scorer',
    'structured:\n  scorer: { name: taylor, p: 2 }\n  levels: [0.5]\n',
    /structured\.scorer\.p must be an option of scorer 'taylor' \(allowed: name, reduction, normalizer, bias, channel\), got 2/,
  ],
  [
    'wrong enum',
    'unstructured:\n  scope: everywhere\n  levels: [0.5]\n',
    /unstructured\.scope must be one of global, local, got "everywhere"/,
  ],
];

describe('recipe errors: one line naming the field and the allowed values, exit 2, nothing written', () => {
  for (const [name, text, message] of cases) {
    it(name, async () => {
      const file = join(dir, `${name.replace(/\W+/g, '_')}.${text.startsWith('{') ? 'json' : 'yaml'}`);
      writeFileSync(file, text);
      const out = join(dir, `out-${name.replace(/\W+/g, '_')}`);
      const io = captureIO();
      const code = await main(['prune', '--model', model, '--recipe', file, '--out', out], io);
      expect(code).toBe(EXIT.usage);
      expect(io.err).toMatch(message);
      expect(io.err.trim().split('\n')).toHaveLength(1);
      expect(io.err).toContain(file);
      expect(io.out).toBe('');
      expect(existsSync(out)).toBe(false);
    });
  }

  it('--version prints the package version and exits 0', async () => {
    const io = captureIO();
    expect(await main(['--version'], io)).toBe(EXIT.ok);
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8'));
    expect(io.out.trim()).toBe(pkg.version);
  });

  it('a bad flag value names the flag; an unknown option is a usage error', async () => {
    const io = captureIO();
    const out = join(dir, 'out-flag');
    expect(await main(['prune', '--model', model, '--ratio', '0.5,1.5', '--out', out], io)).toBe(EXIT.usage);
    expect(io.err).toMatch(
      /^prunekit: --ratio \(recipe field unstructured\.levels\): unstructured\.levels\[1\] must be a number in \[0, 1\)/,
    );
    const io2 = captureIO();
    expect(await main(['prune', '--model', model, '--method', 'diagonal'], io2)).toBe(EXIT.usage);
    expect(io2.err).toMatch(/--method.*unstructured, structured/);
    expect(existsSync(out)).toBe(false);
  });

  it('the bin exits with code 2 from a child process', () => {
    const file = join(dir, 'child.yaml');
    writeFileSync(file, 'unstructured:\n  levels: [1.5]\n');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=source',
        join(here, '../src/bin.ts'),
        'prune',
        '--recipe',
        file,
        '--model',
        model,
        '--out',
        join(dir, 'child-out'),
      ],
      {
        cwd: join(here, '..'),
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unstructured\.levels\[0\] must be a number in \[0, 1\)/);
    expect(existsSync(join(dir, 'child-out'))).toBe(false);
  });
});

describe('the traffic-sign example recipe', () => {
  it('validates as it is and asks for three unstructured levels (0 is the dense model)', async () => {
    const { loadRecipe, pruneJobs } = await import('../src/index.js');
    const loaded = loadRecipe(join(here, '../../../examples/perception-traffic-signs/recipe.yaml'));
    expect(loaded.recipe.unstructured?.scorer).toEqual({ name: 'magnitude', options: { p: 1 } });
    // baseline and sparseE2e are the example's own sections: the command leaves them out.
    expect(loaded.foreign).toEqual(['baseline', 'sparseE2e']);
    expect(loaded.recipe.finetune?.earlyStopping).toEqual({
      monitor: 'val_acc',
      patience: 1,
      restoreBest: true,
    });
    expect(pruneJobs(loaded.recipe).map((j) => j.folder)).toEqual([
      'unstructured-50',
      'unstructured-80',
      'unstructured-90',
    ]);
  });
});
