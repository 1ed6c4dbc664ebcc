/**
 * Records the latency tables packages/pruners/test/recorded/{webgl,webgpu}.json in Debian's
 * Chromium (software GPU here): `tsx --conditions=source test/record_latency_tables.ts` from
 * packages/backend-webgl (or name one backend: `… webgpu`; FRACTION=0.7 sets the budget as a fraction of the dense latency, default 0.6). Each is a deadline prune of the test CNN measured and verified on its
 * backend in the page; the pruners test replays the tables on cpu.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPage } from './browser/harness.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pruners', 'test', 'recorded');
const browser = await openPage();
try {
  for (const backend of process.argv.slice(2).length ? process.argv.slice(2) : ['webgl', 'webgpu']) {
    const r = (await browser.page.evaluate(
      ([b, fraction]) =>
        (
          globalThis as unknown as { prunekit: { record(b: string, o: object): Promise<unknown> } }
        ).prunekit.record(b, { fraction, reps: 20 }),
      [backend, Number(process.env.FRACTION ?? 0.6)] as const,
    )) as { error?: string; table?: { entries: object } };
    if (r.error) throw new Error(`${backend}: ${r.error}`);
    const doc = { recorded: new Date().toISOString(), chromium: browser.version, ...r };
    writeFileSync(join(out, `${backend}.json`), `${JSON.stringify(doc, null, 1)}\n`);
    console.log(`${backend}: ${Object.keys(r.table!.entries).length} entries`);
  }
} finally {
  await browser.close();
}
