import { existsSync, mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '@prunekit/layers/node';
import { parseReportHtml } from '@prunekit/report';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, main } from '../src/index.js';
import { captureIO } from './fixtures/capture.js';
import { saveTinyModel } from './fixtures/tiny_model.js';

const here = dirname(fileURLToPath(import.meta.url));
let dir: string;
let model: string;
let recipe: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prunekit-cli-prune-'));
  model = join(dir, 'dense');
  await saveTinyModel(model);
  recipe = join(dir, 'recipe.yaml');
  writeFileSync(
    recipe,
    [
      'name: tiny',
      'seed: 3',
      'backend: cpu',
      `data: { generator: ${JSON.stringify(join(here, 'fixtures/tiny_data.ts'))}, val: 32, test: 64, finetune: 64, calibration: 16 }`,
      'unstructured:',
      '  scorer: { name: magnitude, p: 1 }',
      '  scope: global',
      '  levels: [0, 0.5]',
      'structured: { ratio: 0.25, scorer: { name: magnitude } }',
      'finetune: { epochs: 1, batchSize: 32, lr: 0.001 }',
      'bench: { backends: [cpu], runs: 2 }',
      'export: { format: stock }', // the default (sparse for unstructured) is tested in default_export.test.ts
      'guard: { maxAccuracyDrop: 1 }',
      'sensitivity: { ratios: [0.5], granularity: weights, layers: [conv2] }',
    ].join('\n'),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prunekit prune on a tiny model and data module', () => {
  it('writes the pruned models, report.html with the chart data, summary.md, and --json rows', async () => {
    const out = join(dir, 'out');
    const io = captureIO();
    const before = tf.memory().numTensors;
    const code = await main(['prune', '--model', model, '--recipe', recipe, '--out', out, '--json'], io);
    expect(io.err).not.toMatch(/internal error/);
    expect(code).toBe(EXIT.ok);
    expect(tf.memory().numTensors).toBe(before);

    // --json: the results document (core's ResultDoc), before/after in rows.
    const doc = JSON.parse(io.out);
    expect(Object.keys(doc).sort()).toEqual(['env', 'goals', 'name', 'rows']);
    expect(doc.name).toBe('tiny');
    expect(doc.env.backend).toBe('cpu');
    expect(doc.rows.map((r: { model: string }) => r.model)).toEqual([
      'dense',
      'unstructured-50',
      'structured-25',
    ]);
    const [dense, masked, slim] = doc.rows;
    expect(masked.paramsAfter).toBe(dense.paramsAfter);
    expect(masked.nonzeroAfter).toBeLessThan(0.6 * masked.nonzeroBefore);
    expect(slim.paramsAfter).toBeLessThan(slim.paramsBefore);
    expect(slim.macsAfter).toBeLessThan(slim.macsBefore);
    for (const r of doc.rows) {
      expect(r.accuracyAfter).toBeGreaterThanOrEqual(0);
      expect(r.latencyMs.cpu).toBeGreaterThan(0);
      expect(r.bytesAfter).toBe(4 * r.paramsAfter);
    }
    expect(masked.finetuneEpochs).toBe(1);
    expect(doc.goals.map((g: { name: string }) => g.name)).toEqual([
      'accuracy_drop_unstructured-50',
      'accuracy_drop_structured-25',
    ]);

    // Files: stock-loadable models, the report and the summary.
    const pruned = await loadModel(join(out, 'unstructured-50'));
    const w = pruned.getLayer('conv2').getWeights()[0];
    const zeros = (await w.data()).filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(0);
    pruned.dispose();
    const report = parseReportHtml(readFileSync(join(out, 'report.html'), 'utf8'));
    expect(report.charts.map((c) => c.id)).toEqual([
      'layer-sparsity',
      'layer-channels',
      'sensitivity',
      'pareto',
      'latency',
    ]);
    expect(report.report.sensitivity?.curves.map((c) => c.layer)).toEqual(['conv2']);
    const channels = report.charts[1].config as {
      data: { labels: string[]; datasets: { label: string; data: (number | null)[] }[] };
    };
    const conv1 = channels.data.labels.indexOf('conv1');
    expect(channels.data.datasets[0].data[conv1]).toBe(8);
    expect(channels.data.datasets[2].data[conv1]).toBeLessThan(8);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/\| unstructured 50% \| 50% \|/);
    expect(existsSync(join(out, 'structured-25', 'model.json'))).toBe(true);

    // report re-renders from report.json; a second prune into the same folder is refused.
    const io2 = captureIO();
    expect(await main(['report', '--from', out, '--out', join(dir, 'again')], io2)).toBe(EXIT.ok);
    expect(parseReportHtml(readFileSync(join(dir, 'again', 'report.html'), 'utf8')).report.runs).toHaveLength(
      3,
    );
    const io3 = captureIO();
    expect(await main(['prune', '--model', model, '--recipe', recipe, '--out', out], io3)).toBe(EXIT.usage);
    expect(io3.err).toMatch(/not empty.*--overwrite/);
  });

  it('inspect prints the layer table and the dependency groups', async () => {
    const io = captureIO();
    expect(await main(['inspect', '--model', model], io)).toBe(EXIT.ok);
    expect(io.out).toMatch(/conv1\s+Conv2D\s+\[\?, 8, 8, 8\]\s+80\s+72\s+4608/); // biases start at zero
    expect(io.out).toMatch(/Dependency groups \(2; channels pruned together\)/);
    expect(io.out).toMatch(/conv2\s+8\s+conv2/);
    const json = captureIO();
    expect(await main(['inspect', '--model', model, '--json'], json)).toBe(EXIT.ok);
    expect(JSON.parse(json.out).totals.params).toBeGreaterThan(0);
  });

  it('guard: exit code 3 exactly when a measured accuracy drop exceeds guard.maxAccuracyDrop; outputs still written', async () => {
    const out = join(dir, 'guarded');
    const io = captureIO();
    const code = await main(
      [
        'prune',
        '--model',
        model,
        '--recipe',
        recipe,
        '--out',
        out,
        '--ratio',
        '0.9',
        '--scorer',
        'random',
        '--finetune-epochs',
        '0',
        '--guard',
        '0',
        '--method',
        'structured',
        '--quiet',
      ],
      io,
    );
    const goals: { name: string; value: number; target: number }[] = JSON.parse(
      readFileSync(join(out, 'results.json'), 'utf8'),
    ).goals;
    expect(goals.map((g) => g.name)).toEqual([
      'accuracy_drop_unstructured-50',
      'accuracy_drop_structured-90',
    ]);
    expect(code).toBe(goals.some((g) => g.value > g.target) ? EXIT.guard : EXIT.ok);
    // --quiet drops progress, never the line that explains exit code 3.
    expect(io.err).not.toMatch(/^wrote /m);
    if (code === EXIT.guard) expect(io.err).toMatch(/^guard failed: an accuracy drop exceeded/m);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  });

  it('score, sensitivity, finetune, bench and convert run on the same recipe', async () => {
    const before = tf.memory().numTensors;
    const score = captureIO();
    expect(
      await main(
        ['score', '--model', model, '--recipe', recipe, '--scorer', 'taylor', '--json', '--quiet'],
        score,
      ),
    ).toBe(EXIT.ok);
    const scored = JSON.parse(score.out);
    expect(scored.scorer).toBe('taylor');
    expect(scored.rows.map((r: { param: string }) => r.param)).toEqual([
      'conv1/kernel',
      'conv2/kernel',
      'logits/kernel',
    ]);
    const groups = captureIO();
    expect(await main(['score', '--model', model, '--recipe', recipe, '--channels', '--quiet'], groups)).toBe(
      EXIT.ok,
    );
    expect(groups.out).toMatch(/conv1\s+conv1\s+8/);

    const sens = captureIO();
    const sensOut = join(dir, 'sens');
    expect(
      await main(
        [
          'sensitivity',
          '--model',
          model,
          '--recipe',
          recipe,
          '--ratios',
          '0.5,0.9',
          '--json',
          '--quiet',
          '--out',
          sensOut,
        ],
        sens,
      ),
    ).toBe(EXIT.ok);
    const curves = JSON.parse(sens.out).curves;
    expect(curves[0].points.map((p: { ratio: number }) => p.ratio)).toEqual([0.5, 0.9]);
    expect(
      parseReportHtml(readFileSync(join(sensOut, 'report.html'), 'utf8')).charts.map((c) => c.id),
    ).toContain('sensitivity');

    const ft = captureIO();
    expect(
      await main(
        [
          'finetune',
          '--model',
          join(dir, 'out', 'unstructured-50'),
          '--recipe',
          recipe,
          '--out',
          join(dir, 'tuned'),
          '--json',
          '--quiet',
        ],
        ft,
      ),
    ).toBe(EXIT.ok);
    expect(JSON.parse(ft.out).epochs).toBe(1);
    const tuned = await loadModel(join(dir, 'tuned'));
    const w = await tuned.getLayer('conv2').getWeights()[0].data();
    expect(w.filter((v) => v === 0).length).toBeGreaterThan(0.3 * w.length); // zeros kept
    tuned.dispose();

    const bench = captureIO();
    expect(await main(['bench', '--model', model, '--backends', 'cpu', '--runs', '2', '--json'], bench)).toBe(
      EXIT.ok,
    );
    expect(JSON.parse(bench.out).rows[0].backend).toBe('cpu');

    const conv = captureIO();
    expect(
      await main(
        [
          'convert',
          '--model',
          join(dir, 'out', 'unstructured-50'),
          '--to',
          'sparse',
          '--out',
          join(dir, 'sparse'),
          '--min-sparsity',
          '0.3',
          '--json',
        ],
        conv,
      ),
    ).toBe(EXIT.ok);
    const plan = JSON.parse(conv.out);
    expect(plan.layers.some((l: { converted: boolean }) => l.converted)).toBe(true);
    expect(existsSync(join(dir, 'sparse', 'model.json'))).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
