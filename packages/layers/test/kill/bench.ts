// pnpm bench:save-kill [--quick]: 40 SIGKILLs (10 with --quick) timed inside
// saveModel(…, { overwrite: true }) with a polling reader, then 6 processes saving to one new
// folder at once. Writes benchmarks/results/save-kill.json.
import '@tensorflow/tfjs-backend-cpu';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../../src/node.js';
import { runSaveKills } from './harness.js';

tf.env().set('PROD', true);
await tf.setBackend('cpu');
const quick = process.argv.includes('--quick');
const here = dirname(new URL(import.meta.url).pathname);
const repo = join(here, '..', '..', '..', '..');
const root = mkdtempSync(join(tmpdir(), 'prunekit-save-kill-'));
try {
  const t0 = performance.now();
  const kills = await runSaveKills(join(root, 'model'), quick ? 10 : 40, 11);
  const killSeconds = (performance.now() - t0) / 1000;
  const target = join(root, 'raced');
  const outcomes = await Promise.all(
    [1, 2, 3, 4, 5, 6].map(
      (i) =>
        new Promise<string>((done) => {
          const c = spawn(
            process.execPath,
            ['--import', 'tsx', '--conditions=source', join(here, 'victim.ts'), target, String(i), 'once'],
            { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] },
          );
          let out = '';
          c.stdout.on('data', (d: Buffer) => (out += d.toString()));
          c.on('exit', () => done(out.trim()));
        }),
    ),
  );
  const doc = {
    name: 'save-kill',
    env: {
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      backend: 'cpu',
      load: loadavg().map((x) => Number(x.toFixed(2))),
    },
    rows: [
      { check: 'sigkill inside saveModel overwrite', ...kills, seconds: Number(killSeconds.toFixed(1)) },
      { check: '6 processes save to one new folder', outcomes },
    ],
    goals: [
      { name: 'kills_leaving_incomplete_target', value: kills.incomplete, target: 0, op: '<=' },
      { name: 'polls_finding_target_missing', value: kills.missing, target: 0, op: '<=' },
      { name: 'stale_temps_after_sweep', value: kills.leftoversAfter, target: 0, op: '<=' },
      { name: 'kills_total', value: kills.kills, target: quick ? 10 : 40, op: '>=' },
      {
        name: 'concurrent_saves_succeeded',
        value: outcomes.filter((o) => o === 'ok').length,
        target: 1,
        op: '<=',
      },
      {
        name: 'concurrent_saves_refused_typed',
        value: outcomes.filter((o) => o === 'E_OUTPUT_EXISTS').length,
        target: 5,
        op: '>=',
      },
    ],
  };
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  await writeFileAtomic(join(repo, 'benchmarks', 'results', 'save-kill.json'), text);
  process.stdout.write(text);
} finally {
  rmSync(root, { recursive: true, force: true });
}
