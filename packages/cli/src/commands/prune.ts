/** prunekit prune: the whole pipeline, then the pruned models, report.html, summary.md, results.json. */
import { join, resolve } from 'node:path';
import { saveTfjsQuantized } from '@prunekit/compress/node';
import { modelFileBytes, saveModel } from '@prunekit/layers/node';
import { buildReport } from '@prunekit/report/node';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit_codes.js';
import { type PruneFlags, pruneOverrides } from '../flags.js';
import type { CliIO } from '../io.js';
import { createProgress } from '../progress.js';
import { loadRecipe } from '../recipe/load.js';
import { isGraphModelFile, pruneGraphModel } from '../run/graph_model.js';
import { isOnnxFile, pruneOnnxModel } from '../run/onnx.js';
import { formatTable } from '../table.js';
import { pruneJobs, runPrune } from '../run/prune.js';
import { openSession, resolveModelPath } from '../run/setup.js';
import { initBackend } from '../backend.js';
import { type CheckpointFlags, checkCheckpointFlags } from './checkpoint_flags.js';
import { checkOutDir, publishOutDir, writeTextFile } from './out_dir.js';

export interface PruneCommandFlags extends PruneFlags, CheckpointFlags {
  budgetMs?: string;
  model?: string;
  recipe?: string;
  out?: string;
  json?: boolean;
  overwrite?: boolean;
  quiet?: boolean;
}

export async function pruneCommand(flags: PruneCommandFlags, io: CliIO): Promise<ExitCode> {
  if (flags.budgetMs !== undefined) {
    if (flags.checkpoint || flags.resume)
      throw new UsageError(
        '--checkpoint / --resume apply to fine-tuning, which prune --budget-ms does not do.',
        {
          field: 'checkpoint',
        },
      );
    const { pruneBudgetCommand } = await import('./prune_budget.js');
    return pruneBudgetCommand(flags, io);
  }
  const loaded = loadRecipe(flags.recipe, (raw) => pruneOverrides(flags, raw));
  const { recipe } = loaded;
  if (recipe.budget) {
    // A recipe's `budget:` section is a deadline-aware run, as --budget-ms is.
    const { pruneBudgetCommand } = await import('./prune_budget.js');
    return pruneBudgetCommand(flags, io);
  }
  pruneJobs(recipe); // a recipe with nothing to prune fails here, before any work
  const out = resolve(
    flags.out ?? (recipe.output ? join(loaded.baseDir, recipe.output.dir) : 'prunekit-out'),
  );
  const overwrite = flags.overwrite ?? false;
  const modelPath = resolveModelPath(flags.model, loaded);
  await checkOutDir(out, overwrite, [modelPath]);
  const checkpoint = await checkCheckpointFlags(flags, [modelPath], out);
  const progress = createProgress(io, flags.quiet);
  // Graph models and ONNX models: the structured section, each level a new model of the same format.
  const structuredOnly = isGraphModelFile(modelPath)
    ? { format: 'graph-model', what: 'graph model', run: pruneGraphModel }
    : isOnnxFile(modelPath)
      ? { format: 'onnx', what: 'ONNX model', run: pruneOnnxModel }
      : undefined;
  if (structuredOnly) {
    if (checkpoint)
      throw new UsageError(
        `--checkpoint / --resume apply to fine-tuning; ${structuredOnly.what}s are pruned without it.`,
        { field: 'checkpoint' },
      );
    await initBackend(recipe.backend);
    let result!: Awaited<ReturnType<typeof pruneGraphModel>>;
    await publishOutDir(out, overwrite, async (staging) => {
      result = await structuredOnly.run(modelPath, recipe, loaded.baseDir, async (folder, write) => {
        await write(join(staging, folder));
        return folder;
      });
      const doc = {
        model: modelPath,
        format: structuredOnly.format,
        rows: result.rows,
        frozen: result.frozen,
      };
      await writeTextFile(staging, 'results.json', `${JSON.stringify(doc, null, 2)}\n`);
    });
    progress.log(`wrote ${out}: results.json and ${result.rows.length - 1} ${structuredOnly.what} folder(s)`);
    const table = formatTable([
      ['model', 'ratio', 'channels removed', 'params', 'MACs', 'file bytes'],
      ...result.rows.map((r) => [
        r.folder,
        r.ratio,
        `${r.removedChannels}/${r.prunableChannels}`,
        r.params,
        r.macs,
        r.fileBytes,
      ]),
    ]);
    if (flags.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    else
      io.stdout(
        `${table}\n\nKept whole: ${result.frozen.length} group(s) (see results.json for each reason).\n`,
      );
    return EXIT.ok;
  }
  const session = await openSession({
    loaded,
    modelFlag: flags.model,
    dataFlag: flags.data,
    wantData: 'train',
    progress,
  });
  try {
    // The whole run goes into a staging folder that becomes --out only when everything is written.
    let outcome!: Awaited<ReturnType<typeof runPrune>>;
    let markdown = '';
    await publishOutDir(out, overwrite, async (staging) => {
      outcome = await runPrune({
        session,
        recipe,
        progress,
        ...(checkpoint ? { checkpoint: { dir: checkpoint, resume: flags.resume ?? false } } : {}),
        save: async (model, folder, plan) => {
          const dir = join(staging, folder);
          if (plan.quantization)
            await saveTfjsQuantized(model, dir, { dtype: plan.quantization, fresh: true });
          else await saveModel(model, dir, { fresh: true });
          return { fileBytes: await modelFileBytes(dir), path: folder, dir };
        },
      });
      const built = buildReport(outcome.report);
      markdown = built.markdown;
      if (recipe.report?.html !== false) await writeTextFile(staging, 'report.html', built.html);
      await writeTextFile(staging, 'summary.md', markdown);
      await writeTextFile(staging, 'report.json', `${JSON.stringify(outcome.report, null, 2)}\n`);
      await writeTextFile(staging, 'results.json', `${JSON.stringify(outcome.doc, null, 2)}\n`);
    });
    progress.log(
      `wrote ${out}: ${recipe.report?.html === false ? '' : 'report.html, '}summary.md, results.json and ${outcome.report.runs.length - 1} model folder(s)`,
    );
    if (flags.json) io.stdout(`${JSON.stringify(outcome.doc, null, 2)}\n`);
    else io.stdout(markdown);
    if (outcome.guardFailed) {
      progress.warn(
        `guard failed: an accuracy drop exceeded guard.maxAccuracyDrop = ${recipe.guard?.maxAccuracyDrop}`,
      );
      return EXIT.guard;
    }
    return EXIT.ok;
  } finally {
    session.dispose();
  }
}
