// Everything the library offers is reachable from a recipe through `prunekit prune`: every
// registered scorer, the three granularities, multi-round schedules, a scorer registered by a
// program (one file + one line), and a scorer and pruner from a third-party package.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '@prunekit/layers/node';
import { registerScorer, scorerEntries } from '@prunekit/scorers';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, main } from '../src/index.js';
import { captureIO } from './fixtures/capture.js';
import { cubeMagnitude } from './fixtures/scorer_fixture.js';
import { saveTinyModel } from './fixtures/tiny_model.js';

const here = dirname(fileURLToPath(import.meta.url));
let dir: string;
let model: string;
const data = () =>
  `data: { generator: ${JSON.stringify(join(here, 'fixtures/tiny_data.ts'))}, val: 16, test: 32, finetune: 32, calibration: 16 }`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prunekit-cli-reach-'));
  model = join(dir, 'dense');
  await saveTinyModel(model);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Row {
  model: string;
  achievedSparsity: number;
  paramsBefore: number;
  paramsAfter: number;
  nonzeroBefore: number;
  nonzeroAfter: number;
  finetuneEpochs: number;
}

/** Runs `prunekit prune` on a recipe text; returns the exit code, rows and output folder. */
async function prune(name: string, lines: string[], recipeDir = dir) {
  const recipe = join(recipeDir, `${name}.yaml`);
  writeFileSync(
    recipe,
    ['seed: 1', 'backend: cpu', data(), 'bench: { backends: [cpu], runs: 1 }', ...lines].join('\n'),
  );
  const out = join(dir, `out-${name}`);
  const io = captureIO();
  const before = tf.memory().numTensors;
  const code = await main(
    ['prune', '--model', model, '--recipe', recipe, '--out', out, '--quiet', '--json'],
    io,
  );
  expect(tf.memory().numTensors).toBe(before);
  if (code !== EXIT.ok) return { code, err: io.err, rows: [] as Row[], out };
  return { code, err: io.err, rows: JSON.parse(io.out).rows as Row[], out };
}

const granularities = [
  { text: 'element', ignore: '[]' },
  { text: '{ kind: nm, n: 2, m: 4 }', ignore: '[conv1]' }, // conv1 has 9 inputs per filter
  { text: '{ kind: block, rows: 2, cols: 1 }', ignore: '[]' },
];

describe('every registered scorer runs from a recipe, weights and channels', () => {
  const names = scorerEntries().map((e) => e.name);
  it('the registry holds the 16 built-in scorers', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'obd',
        'hessianDiagonal',
        'ablation',
        'regularized',
        'taylor',
        'wanda',
        'apoz',
        'fpgm',
      ]),
    );
    expect(names.length).toBeGreaterThanOrEqual(16);
  });
  // Fewer Hutchinson probes than the default 16 keep the Hessian scorers at a second or two here.
  const extra: Record<string, string> = { obd: ', probes: 2', hessianDiagonal: ', probes: 2' };
  for (const [i, name] of names.entries()) {
    const g = granularities[i % granularities.length];
    const scorer = `{ name: ${name}${extra[name] ?? ''} }`;
    it(`${name}: unstructured (${g.text}) and structured`, async () => {
      const r = await prune(`scorer-${name}`, [
        `unstructured: { scorer: ${scorer}, levels: [0.5], granularity: ${g.text}, ignore: ${g.ignore} }`,
        `structured: { scorer: ${scorer}, levels: [0.25] }`,
      ]);
      expect(r.err).not.toMatch(/internal error/);
      expect(r.code, r.err).toBe(EXIT.ok);
      const [dense, masked, slim] = r.rows;
      expect(masked.model).toBe('unstructured-50');
      expect(masked.nonzeroAfter).toBeLessThan(dense.nonzeroAfter);
      expect(masked.achievedSparsity).toBeGreaterThan(0.3);
      expect(slim.model).toBe('structured-25');
      expect(slim.paramsAfter).toBeLessThan(dense.paramsAfter);
    });
  }
});

describe('granularities and rounds from the recipe', () => {
  it('N:M keeps 2 of every 4 inputs; blocks are pruned whole', async () => {
    const r = await prune('granular', [
      'unstructured: { levels: [0.5], granularity: { kind: nm, n: 2, m: 4 }, ignore: [conv1] }',
      'export: { format: stock }', // read the mask pattern from the dense kernels
    ]);
    expect(r.code, r.err).toBe(EXIT.ok);
    const m = await loadModel(join(r.out, 'unstructured-50', 'model.json'));
    const logits = m.getLayer('logits').getWeights()[0]; // [128 in, 2 out]
    const w = logits.dataSync();
    for (let o = 0; o < 2; o++) {
      for (let g = 0; g < 128; g += 4) {
        let nz = 0;
        for (let i = g; i < g + 4; i++) if (w[i * 2 + o] !== 0) nz++;
        expect(nz).toBeLessThanOrEqual(2);
      }
    }
    m.dispose();

    const b = await prune('blocks', [
      'unstructured: { levels: [0.5], granularity: { kind: block, rows: 2, cols: 1 } }',
      'export: { format: stock }',
    ]);
    expect(b.code, b.err).toBe(EXIT.ok);
    const mb = await loadModel(join(b.out, 'unstructured-50', 'model.json'));
    const k = mb.getLayer('conv2').getWeights()[0].dataSync(); // 72 in × 8 out, blocks of 2 outputs
    let zeros = 0;
    for (let i = 0; i < 72; i++) {
      for (let o = 0; o < 8; o += 2) {
        expect(k[i * 8 + o] === 0).toBe(k[i * 8 + o + 1] === 0);
        if (k[i * 8 + o] === 0) zeros++;
      }
    }
    expect(zeros).toBeGreaterThan(0);
    mb.dispose();
  });

  it('steps: 3 with a polynomial schedule prunes in three rounds, fine-tuning after each', async () => {
    const r = await prune('rounds', [
      'unstructured: { scorer: { name: taylor }, levels: [0.6], steps: 3, schedule: { type: polynomialDecay, end: 2 } }',
      'structured: { ratio: 0.5, steps: 2 }',
      'finetune: { epochs: 1, batchSize: 16 }',
    ]);
    expect(r.code, r.err).toBe(EXIT.ok);
    const [, masked, slim] = r.rows;
    expect(masked.finetuneEpochs).toBe(3);
    expect(masked.achievedSparsity).toBeGreaterThanOrEqual(0.59);
    expect(slim.paramsAfter).toBeLessThan(slim.paramsBefore);
  });
  it('steps: 3 with a lotteryTicket schedule prunes in three rounds with rewinding, fine-tuning after each', async () => {
    const r = await prune('lottery', [
      'unstructured: { levels: [0.875], steps: 3, schedule: { type: lotteryTicket } }',
      'finetune: { epochs: 1, batchSize: 16 }',
    ]);
    expect(r.code, r.err).toBe(EXIT.ok);
    const [, masked] = r.rows;
    expect(masked.model).toBe('unstructured-87.5');
    expect(masked.finetuneEpochs).toBe(3);
    expect(masked.achievedSparsity).toBeGreaterThanOrEqual(0.87);
  });
});

describe('a scorer added by a program: one file + one registration line', () => {
  it('is unknown before, then accepted, listed in --help, and run', async () => {
    const before = await prune('cube-before', [
      'unstructured: { scorer: { name: cubeMagnitude }, levels: [0.5] }',
    ]);
    expect(before.code).toBe(EXIT.usage);
    expect(before.err).toMatch(
      /unstructured\.scorer\.name must be one of magnitude, .*, got "cubeMagnitude"/,
    );

    registerScorer(cubeMagnitude); // the one line

    const help = captureIO();
    await main(['prune', '--help'], help);
    expect(help.out).toMatch(/cubeMagnitude/);
    const r = await prune('cube', [
      'unstructured: { scorer: { name: cubeMagnitude, scale: 2 }, levels: [0.5] }',
      'structured: { scorer: { name: cubeMagnitude, reduction: max }, levels: [0.25] }',
    ]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.rows[1].nonzeroAfter).toBeLessThan(r.rows[0].nonzeroAfter);
    expect(r.rows[2].paramsAfter).toBeLessThan(r.rows[0].paramsAfter);
    const bad = await prune('cube-bad', [
      'unstructured: { scorer: { name: cubeMagnitude, scale: -1 }, levels: [0.5] }',
    ]);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.err).toMatch(/unstructured\.scorer\.scale/);
  });
});

describe('a scorer and a pruner from a third-party package (module: + export:)', () => {
  it('are loaded from node_modules beside the recipe and run', async () => {
    const project = join(dir, 'project');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    cpSync(join(here, 'fixtures/acme-pruning'), join(project, 'node_modules', 'acme-pruning'), {
      recursive: true,
    });
    const r = await prune(
      'acme',
      [
        'unstructured:',
        '  levels: [0.5]',
        '  scorer: { module: acme-pruning, export: powerScorer, options: { power: 2 } }',
        '  pruner: { module: acme-pruning, export: layerwisePruner, options: { every: 1 } }',
      ],
      project,
    );
    expect(r.code, r.err).toBe(EXIT.ok);
    const [dense, masked] = r.rows;
    // Layer by layer, half of every prunable kernel: about half of all kernel weights.
    expect(masked.achievedSparsity).toBeGreaterThan(0.45);
    expect(masked.achievedSparsity).toBeLessThan(0.55);
    expect(masked.nonzeroAfter).toBeLessThan(dense.nonzeroAfter);
    const results = JSON.parse(readFileSync(join(r.out, 'results.json'), 'utf8'));
    expect(results.rows[1].model).toBe('unstructured-50');

    const missing = await prune(
      'acme-missing',
      ['unstructured: { levels: [0.5], scorer: { module: acme-pruning, export: nothingHere } }'],
      project,
    );
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.err).toMatch(
      /unstructured\.scorer\.export: 'acme-pruning' has no export 'nothingHere'; it exports layerwisePruner, powerScorer/,
    );
    // A TypeScript file beside the recipe (types and all): loaded through the CLI's tsx importer.
    writeFileSync(
      join(project, 'square_scorer.ts'),
      [
        'interface Target { kind: string; param: { id: string; shape: number[] } }',
        'export function squareScorer(): { name: string; needs: string[]; score: (t: Target, ctx: any) => Promise<unknown> } {',
        "  return { name: 'square', needs: ['weights'], async score(t: Target, ctx: any) {",
        '    const v: Float32Array = ctx.graph.weights.values(t.param.id);',
        '    for (let i = 0; i < v.length; i++) v[i] = v[i] * v[i];',
        "    return { kind: 'weight', param: t.param.id, shape: [...t.param.shape], values: v };",
        '  } };',
        '}',
      ].join('\n'),
    );
    const ts = await prune(
      'square-ts',
      ['unstructured: { levels: [0.5], scorer: { module: ./square_scorer.ts, export: squareScorer } }'],
      project,
    );
    expect(ts.code, ts.err).toBe(EXIT.ok);
    expect(ts.rows[1].achievedSparsity).toBeGreaterThan(0.45);

    const absent = await prune(
      'acme-absent',
      ['unstructured: { levels: [0.5], scorer: { module: no-such-pkg, export: x } }'],
      project,
    );
    expect(absent.code).toBe(EXIT.usage);
    expect(absent.err).toMatch(/unstructured\.scorer\.module: cannot load 'no-such-pkg'/);
  });
});
