/** prunekit finetune: fine-tunes a (pruned) model on the recipe's data, keeping its zeros at zero. */
import { resolve } from 'node:path';
import { readMasks } from '@prunekit/layers';
import { saveModel } from '@prunekit/layers/node';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit_codes.js';
import { num } from '../flags.js';
import type { CliIO } from '../io.js';
import { createProgress } from '../progress.js';
import { loadRecipe } from '../recipe/load.js';
import { accuracy } from '../run/evaluate.js';
import { checkpointFor, tuneModel } from '../run/finetune.js';
import { recipeGraph } from '../run/recipe_graph.js';
import { openSession, resolveModelPath } from '../run/setup.js';
import { type CheckpointFlags, checkCheckpointFlags } from './checkpoint_flags.js';
import { checkOutDir } from './out_dir.js';

export async function finetuneCommand(
  flags: CheckpointFlags & {
    model?: string;
    recipe?: string;
    out?: string;
    epochs?: string;
    lr?: string;
    batchSize?: string;
    data?: string;
    overwrite?: boolean;
    json?: boolean;
    quiet?: boolean;
  },
  io: CliIO,
): Promise<ExitCode> {
  const loaded = loadRecipe(flags.recipe, () => [
    ...(flags.epochs ? [{ flag: '--epochs', path: ['finetune', 'epochs'], value: num(flags.epochs) }] : []),
    ...(flags.lr ? [{ flag: '--lr', path: ['finetune', 'lr'], value: num(flags.lr) }] : []),
    ...(flags.batchSize
      ? [{ flag: '--batch-size', path: ['finetune', 'batchSize'], value: num(flags.batchSize) }]
      : []),
  ]);
  const ft = loaded.recipe.finetune;
  if (!ft || ft.epochs < 1)
    throw new UsageError('finetune needs finetune.epochs ≥ 1 (in the recipe or --epochs).', {
      field: 'finetune.epochs',
    });
  if (!flags.out)
    throw new UsageError('finetune needs --out <folder> for the fine-tuned model.', { field: 'out' });
  const out = resolve(flags.out);
  const inputs = [resolveModelPath(flags.model, loaded)];
  await checkOutDir(out, flags.overwrite ?? false, inputs);
  const checkpoint = await checkCheckpointFlags(flags, inputs, out);
  const progress = createProgress(io, flags.quiet);
  const session = await openSession({
    loaded,
    modelFlag: flags.model,
    dataFlag: flags.data,
    wantData: 'train',
    progress,
  });
  try {
    const data = session.data;
    if (!data?.finetune)
      throw new UsageError(
        'finetune needs training data: set data.generator in the recipe or pass --data <module>.',
        { field: 'data' },
      );
    const graph = recipeGraph(session.model, loaded.recipe);
    const masks = readMasks(graph);
    const before = accuracy(session.model, data.test);
    const res = await tuneModel({
      model: session.model,
      masks,
      graph,
      train: data.finetune,
      val: data.val,
      cfg: ft,
      seed: loaded.recipe.seed,
      label: 'finetune',
      progress,
      ...checkpointFor(checkpoint, flags.resume),
    });
    if (res.startedAfresh) progress.log(res.startedAfresh);
    else if (res.resumedFrom) progress.log(`resumed from ${res.resumedFrom}`);
    progress.done();
    const after = accuracy(session.model, data.test);
    await saveModel(session.model, out, { overwrite: flags.overwrite });
    const summary = {
      accuracyBefore: before,
      accuracyAfter: after,
      epochs: res.history.length,
      stoppedEarly: res.stoppedEarly,
      ...(res.resumedFrom ? { resumedFrom: res.resumedFrom } : {}),
      ...(res.startedAfresh ? { startedAfresh: res.startedAfresh } : {}),
      out,
    };
    io.stdout(
      flags.json
        ? `${JSON.stringify(summary, null, 2)}\n`
        : `test accuracy ${(100 * before).toFixed(2)}% → ${(100 * after).toFixed(2)}% after ${res.history.length} epochs; saved ${out}\n`,
    );
    return EXIT.ok;
  } finally {
    session.dispose();
  }
}
