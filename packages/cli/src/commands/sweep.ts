/**
 * prunekit sweep: the recipe's prune levels × scorers × fine-tune epochs, each a trial measured on
 * the test split; here, or on the workers of `--queue`. Writes results.json (the same either way).
 */
import { join, resolve } from 'node:path';
import { type SweepProgress, runSweep, tensorsHash } from '@prunekit/distributed';
import type { ResultDoc } from '@prunekit/core';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit_codes.js';
import { list, num } from '../flags.js';
import type { CliIO } from '../io.js';
import { createProgress } from '../progress.js';
import { loadRecipe } from '../recipe/load.js';
import { sessionIdentity } from '../run/queue.js';
import { openSession, resolveModelPath } from '../run/setup.js';
import { type SweepRow, recipeSweepHandlers, recipeSweepPlan } from '../run/sweep.js';
import { formatTable } from '../table.js';
import { checkOutDir, publishOutDir, writeTextFile } from './out_dir.js';

export async function sweepCommand(
  flags: {
    model?: string;
    recipe?: string;
    data?: string;
    queue?: string;
    scorers?: string;
    epochs?: string;
    out?: string;
    overwrite?: boolean;
    json?: boolean;
    quiet?: boolean;
    latency?: boolean;
  },
  io: CliIO,
): Promise<ExitCode> {
  const loaded = loadRecipe(flags.recipe);
  const recipe = loaded.recipe;
  const out = flags.out ? resolve(flags.out) : undefined;
  if (out) await checkOutDir(out, flags.overwrite ?? false, [resolveModelPath(flags.model, loaded)]);
  const epochs = flags.epochs ? list(flags.epochs).map(num) : undefined;
  if (epochs?.some((e) => !(typeof e === 'number' && Number.isInteger(e) && e >= 0))) {
    throw new UsageError(`--epochs must be non-negative integers, comma-separated, got '${flags.epochs}'.`, {
      field: 'epochs',
    });
  }
  const trains = ((epochs as number[] | undefined) ?? [recipe.finetune?.epochs ?? 0]).some((e) => e > 0);
  const progress = createProgress(io, flags.quiet);
  const session = await openSession({
    loaded,
    modelFlag: flags.model,
    dataFlag: flags.data,
    wantData: trains ? 'train' : 'eval',
    progress,
  });
  try {
    const ft = session.data?.finetune;
    const plan = recipeSweepPlan(recipe, sessionIdentity(session), {
      scorers: flags.scorers ? list(flags.scorers) : undefined,
      epochs: epochs as number[] | undefined,
      finetuneData: ft ? tensorsHash([ft.x, ft.y]) : undefined,
      bench: flags.latency
        ? (recipe.bench ?? { backends: [session.backend], runs: 15, batch: 1 })
        : undefined,
    });
    const where = flags.queue ? `on ${flags.queue}` : 'here';
    const tick = (p: SweepProgress) =>
      progress.tick(
        `trials ${where}: ${Object.entries(p.byWorker)
          .map(([w, n]) => `${w} ${n}`)
          .join(' · ')}`,
        p.done,
        p.total,
      );
    const outcomes = await runSweep(plan, {
      queue: flags.queue,
      handlers: flags.queue ? undefined : recipeSweepHandlers(session),
      onProgress: tick,
    });
    progress.done();
    const rows = outcomes.map((o) => o.value as SweepRow);
    const table = rows.map((r) => ({ ...r }) as Record<string, unknown>);
    const doc: ResultDoc = {
      name: plan.name,
      env: {
        node: process.version,
        cpu: 'see workers',
        backend: session.backend,
        model: session.modelPath,
        testSamples: session.data!.test.x.shape[0],
        trials: rows.length,
      },
      rows: table,
      goals: [],
    };
    if (out) {
      await publishOutDir(out, flags.overwrite ?? false, async (staging) => {
        await writeTextFile(staging, 'results.json', `${JSON.stringify(doc, null, 2)}\n`);
      });
      progress.log(`wrote ${join(out, 'results.json')}`);
    }
    const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(2)}%`);
    io.stdout(
      flags.json
        ? `${JSON.stringify(doc, null, 2)}\n`
        : `${formatTable([
            [
              'trial',
              'pruned',
              'accuracy before fine-tune',
              'accuracy',
              'nonzero params',
              'MACs',
              'latency ms',
            ],
            ...rows.map((r) => [
              r.trial,
              pct(r.achieved),
              pct(r.accuracyBeforeFinetune),
              pct(r.accuracy),
              r.nonzero,
              r.macs,
              r.latencyMs
                ? Object.entries(r.latencyMs)
                    .map(([b, ms]) => `${b} ${ms.toFixed(2)}`)
                    .join(', ')
                : '',
            ]),
          ])}\n`,
    );
    return EXIT.ok;
  } finally {
    session.dispose();
  }
}
