/**
 * prunekit latency-table: times every layer of a model on the chosen backend into a latency table
 * (JSON, extended in place), prints predicted vs measured latency; with --budget-ms also chooses
 * per-group widths for that frame budget (the same search `prune --budget-ms` runs).
 */
import { resolve } from 'node:path';
import { initBackend } from '../backend.js';
import { EXIT, type ExitCode } from '../exit_codes.js';
import type { CliIO } from '../io.js';
import { createProgress } from '../progress.js';
import {
  budgetPrune,
  type DeadlineFlags,
  fillTable,
  openTable,
  parseDeadlineFlags,
  saveTable,
} from '../run/deadline.js';
import { UsageError } from '../errors.js';
import { formatTable } from '../table.js';
import { loadLayersModel } from '@prunekit/recipe/node';

export interface LatencyTableFlags extends DeadlineFlags {
  model?: string;
  backend?: string;
  json?: boolean;
  quiet?: boolean;
}

export async function latencyTableCommand(flags: LatencyTableFlags, io: CliIO): Promise<ExitCode> {
  if (!flags.model)
    throw new UsageError('--model is required (a model.json or its folder).', { flag: '--model' });
  const backend = flags.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') {
    throw new UsageError(`--backend must be wasm or cpu here, got '${backend}'.`, { flag: '--backend' });
  }
  const o = parseDeadlineFlags(flags);
  const progress = createProgress(io, flags.quiet);
  await initBackend(backend);
  const model = await loadLayersModel(resolve(flags.model));
  try {
    const table = openTable(o.tablePath, o.batch);
    const { predicted, measured } = fillTable(model, table, o.reps, progress);
    const doc: Record<string, unknown> = {
      backend: table.backend,
      device: table.device,
      batch: table.batch,
      predictedMs: predicted.totalMs,
      measuredMs: measured.medianMs,
      measuredP99Ms: measured.p99Ms,
      error: Math.abs(predicted.totalMs - measured.medianMs) / measured.medianMs,
      perLayer: predicted.perLayer,
    };
    if (o.budgetMs !== undefined) {
      const r = await budgetPrune(
        model,
        table,
        { budgetMs: o.budgetMs, percentile: o.percentile, reps: o.reps },
        progress,
      );
      doc.budget = {
        ms: o.budgetMs,
        percentile: o.percentile,
        met: r.met,
        measuredMs: r.measuredMs,
        predictedMs: r.predictedMs,
        widths: r.widths,
      };
      r.model.dispose();
    }
    await saveTable(o.tablePath, table);
    if (flags.json) io.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    else {
      io.stdout(
        `${formatTable([
          ['layer', 'class', 'predicted ms'],
          ...predicted.perLayer.map((p) => [p.layer, p.className, p.ms.toFixed(3)]),
        ])}\n`,
      );
      io.stdout(
        `whole model on ${table.backend}, batch ${table.batch}: predicted ${predicted.totalMs.toFixed(3)} ms, measured ${measured.medianMs.toFixed(3)} ms (p99 ${measured.p99Ms.toFixed(3)}), error ${(100 * (doc.error as number)).toFixed(1)}%\n`,
      );
      const b = doc.budget as
        | { met: boolean; measuredMs: number; widths: { group: string; size: number; kept: number }[] }
        | undefined;
      if (b) {
        io.stdout(
          `budget ${o.budgetMs} ms (${o.percentile}): ${b.met ? 'met' : 'NOT met'} at ${b.measuredMs.toFixed(3)} ms measured; widths ${b.widths.map((w) => `${w.group} ${w.kept}/${w.size}`).join(', ')}\n`,
        );
      }
      if (o.tablePath) io.stdout(`table: ${o.tablePath} (${Object.keys(table.entries).length} entries)\n`);
    }
    return doc.budget && !(doc.budget as { met: boolean }).met ? EXIT.guard : EXIT.ok;
  } finally {
    model.dispose();
  }
}
