/** prunekit worker: runs sensitivity and recipe-sweep trials from a queue on this machine's copy of the model and data. */
import { hostname } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { startWorker } from '@prunekit/distributed';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit_codes.js';
import type { CliIO } from '../io.js';
import { createProgress } from '../progress.js';
import { loadRecipe } from '../recipe/load.js';
import { sessionHandlers, sessionIdentity } from '../run/queue.js';
import { recipeGraph } from '../run/recipe_graph.js';
import { openSession } from '../run/setup.js';
import { recipeSweepHandlers } from '../run/sweep.js';

export async function workerCommand(
  flags: { queue?: string; model?: string; recipe?: string; data?: string; quiet?: boolean },
  io: CliIO,
  /** Resolves when the worker should stop (default: SIGINT or SIGTERM). */
  stop: Promise<unknown> = new Promise((r) => {
    process.once('SIGINT', r);
    process.once('SIGTERM', r);
  }),
): Promise<ExitCode> {
  if (!flags.queue) throw new UsageError('worker needs --queue redis://host:port.', { field: 'queue' });
  const loaded = loadRecipe(flags.recipe);
  const progress = createProgress(io, flags.quiet);
  const session = await openSession({
    loaded,
    modelFlag: flags.model,
    dataFlag: flags.data,
    wantData: loaded.recipe.finetune ? 'train' : 'eval', // recipe sweeps fine-tune
    progress,
  });
  let batches: ReturnType<typeof session.calibrationBatches>;
  try {
    const identity = sessionIdentity(session);
    const graph = recipeGraph(session.model, loaded.recipe);
    const made = sessionHandlers(session, graph, loaded.baseDir);
    batches = made.batches;
    const worker = await startWorker({
      queue: flags.queue,
      id: `${hostname()}:${process.pid}`,
      identity,
      handlers: { ...made.handlers, ...recipeSweepHandlers(session, `${hostname()}:${process.pid}`) },
      onTrial: (e) => {
        if (e.event !== 'start') progress.log(`${e.event} ${e.key}${e.detail ? ` (${e.detail})` : ''}`);
      },
    });
    progress.log(
      `worker ${worker.id} on ${flags.queue}: model ${identity.model.slice(0, 12)}, data ${identity.data.slice(0, 12)}, backend ${identity.backend}`,
    );
    await stop;
    progress.log(`worker ${worker.id}: stopping after the running trial`);
    await worker.close();
    return EXIT.ok;
  } finally {
    for (const b of batches ?? []) tf.dispose([b.x, b.y ?? []].flat());
    session.dispose();
  }
}
