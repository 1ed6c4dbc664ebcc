import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '@prunekit/layers/node';
import { parseReportHtml } from '@prunekit/report';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, main } from '../src/index.js';
import { captureIO } from './fixtures/capture.js';
import { saveTinyModel } from './fixtures/tiny_model.js';

let dir: string;
let model: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prunekit-cli-deadline-'));
  model = join(dir, 'dense');
  // Wide enough that a narrower conv is measurably faster than noise on a loaded machine: with 8
  // channels on 8×8 inputs every layer costs about one call's overhead and the timed table can
  // show no width as cheaper, so the search (rightly) stops at full width.
  await saveTinyModel(model, { size: 16, filters: 16 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prunekit latency-table and prune --budget-ms', () => {
  it('times every layer into a table file, then reuses and extends it for a budget prune', async () => {
    const table = join(dir, 'table.json');
    const before = tf.memory().numTensors;
    const io = captureIO();
    const code = await main(
      ['latency-table', '--model', model, '--backend', 'cpu', '--reps', '2', '--table', table, '--json'],
      io,
    );
    expect(code, io.err).toBe(EXIT.ok);
    expect(tf.getBackend()).toBe('cpu');
    const doc = JSON.parse(io.out);
    const saved = JSON.parse(readFileSync(table, 'utf8'));
    expect(saved.backend).toBe('cpu');
    expect(doc.perLayer.length).toBeGreaterThan(2);
    const firstEntries = Object.keys(saved.entries).length;
    expect(firstEntries).toBeGreaterThan(2);
    expect(doc.measuredMs).toBeGreaterThan(0);

    // A budget far below anything reachable: the run prunes as far as it can, writes its model and
    // results, says plainly that the budget was not met (exit 3), and the table grew.
    const out = join(dir, 'out');
    const io2 = captureIO();
    const code2 = await main(
      [
        'prune',
        '--model',
        model,
        '--budget-ms',
        '0.000001',
        '--backend',
        'cpu',
        '--reps',
        '2',
        '--table',
        table,
        '--calibrate',
        '2',
        '--out',
        out,
      ],
      io2,
    );
    expect(code2, io2.err).toBe(EXIT.guard);
    expect(io2.err).toMatch(/budget not met/);
    expect(io2.out).toMatch(/NOT met/);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.met).toBe(false);
    expect(results.widths.some((w: { kept: number; size: number }) => w.kept < w.size)).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(table, 'utf8')).entries).length).toBeGreaterThan(firstEntries);
    const pruned = await loadModel(join(out, 'model'));
    const dense = await loadModel(model);
    expect(pruned.countParams()).toBeLessThan(dense.countParams());
    pruned.dispose();
    dense.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a bad budget, percentile and a table of another backend, naming the flag, writing nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['--budget-ms', '-3'], /--budget-ms must be a positive number/],
      [['--budget-ms', '5', '--percentile', 'p90'], /--percentile must be p50 or p99/],
    ];
    for (const [extra, msg] of cases) {
      const out = join(dir, `bad-${extra.join('')}`);
      const io = captureIO();
      const code = await main(['prune', '--model', model, '--backend', 'cpu', '--out', out, ...extra], io);
      expect(code).toBe(EXIT.usage);
      expect(io.err).toMatch(msg);
      expect(existsSync(out)).toBe(false);
    }
    const other = join(dir, 'wasm-table.json');
    writeFileSync(
      other,
      JSON.stringify({ version: 1, backend: 'wasm', device: 'x', batch: 1, overheadMs: null, entries: {} }),
    );
    const io = captureIO();
    const code = await main(['latency-table', '--model', model, '--backend', 'cpu', '--table', other], io);
    expect(code).toBe(EXIT.usage);
    expect(io.err).toMatch(/measured on wasm at batch 1, this run is cpu/);
  });

  it("runs a recipe's budget: section through prunekit prune (table path relative to the recipe; flags override it)", async () => {
    const folder = join(dir, 'recipe-run');
    mkdirSync(folder);
    const recipe = join(folder, 'recipe.yaml');
    writeFileSync(
      recipe,
      [
        `model: ${join(model, 'model.json')}`,
        'backend: cpu',
        'budget:',
        '  ms: 0.000001 # unreachable: the run prunes as far as it can and says so',
        '  reps: 2',
        '  table: tables/cpu.json',
        '  calibrate: 2',
        'output: { dir: out }',
        '',
      ].join('\n'),
    );
    mkdirSync(join(folder, 'tables'));
    const before = tf.memory().numTensors;
    const io = captureIO();
    const code = await main(['prune', '--recipe', recipe], io);
    expect(code, io.err).toBe(EXIT.guard);
    const results = JSON.parse(readFileSync(join(folder, 'out', 'results.json'), 'utf8'));
    expect(results.budget.ms).toBe(0.000001);
    expect(results.met).toBe(false);
    expect(results.widths.some((w: { kept: number; size: number }) => w.kept < w.size)).toBe(true);
    // calibrate: 2 → the dense model and two sampled widths were measured whole.
    expect(results.samples.filter((x: { source: string }) => x.source === 'sample')).toHaveLength(2);
    expect(results.calibration.samples).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(readFileSync(join(folder, 'tables', 'cpu.json'), 'utf8')).backend).toBe('cpu');
    // The report shows the per-layer latencies and both plans, predicted beside measured.
    const html = readFileSync(join(folder, 'out', 'report.html'), 'utf8');
    expect(html).toContain('<h2>Deadline-aware pruning</h2>');
    expect(parseReportHtml(html).charts.map((c) => c.id)).toContain('deadline-layers');
    expect(html).toContain(`<td>deadline-aware</td><td>${results.pruned.measuredMs.toFixed(3)}</td>`);

    // --budget-ms overrides the section: a budget no model misses is met.
    const io2 = captureIO();
    const code2 = await main(
      ['prune', '--recipe', recipe, '--budget-ms', '1000000', '--out', join(folder, 'out2')],
      io2,
    );
    expect(code2, io2.err).toBe(EXIT.ok);
    expect(JSON.parse(readFileSync(join(folder, 'out2', 'results.json'), 'utf8')).budget.ms).toBe(1000000);
    expect(tf.memory().numTensors).toBe(before);

    // A bad field in the section is refused, naming it.
    writeFileSync(recipe, `model: ${join(model, 'model.json')}\nbackend: cpu\nbudget: { ms: -1 }\n`);
    const io3 = captureIO();
    expect(await main(['prune', '--recipe', recipe], io3)).toBe(EXIT.usage);
    expect(io3.err).toMatch(/budget\.ms/);
  });
});
