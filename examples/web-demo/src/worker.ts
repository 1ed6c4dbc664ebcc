/// <reference lib="webworker" />
/** The worker: loads the model, runs prune / fine-tune / export on request, posts progress. */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { startBackend } from './backends.js';
import { loadBundledModel } from './models.js';
import type { Notice, Reply, Request, SetupRequest, SetupResult } from './protocol.js';
import { Session } from './session.js';
import { makeTask } from './tasks.js';

tf.env().set('PROD', true);
const scope = self as unknown as DedicatedWorkerGlobalScope;
let session: Session | undefined;

const notify = (n: Notice) => scope.postMessage(n);

async function setup(req: SetupRequest): Promise<SetupResult> {
  session?.dispose();
  session = undefined;
  notify({ type: 'status', text: 'starting the backends…' });
  const backendState = await startBackend(req.backend);
  if (!backendState.available) {
    throw new Error(`The '${req.backend}' backend is not available here: ${backendState.note}.`);
  }
  notify({ type: 'status', text: 'loading the model…' });
  const dense =
    req.model === 'dropped'
      ? await tfl.loadLayersModel(tf.io.browserFiles([...(req.files ?? [])]))
      : await loadBundledModel(req.model);
  notify({ type: 'status', text: 'generating data…' });
  const task = await makeTask(req.model, dense, req.sizes);
  session = new Session(dense, task, { backend: req.backend });
  notify({ type: 'status', text: 'measuring the dense model…' });
  return {
    task: task.info,
    backendState,
    dense: await session.measure('dense', dense),
    galleryImages: task.gallery?.images ?? new Uint8Array(0),
    galleryLabels: task.gallery?.labels ?? [],
  };
}

function need(): Session {
  if (!session) throw new Error('Load a model first.');
  return session;
}

async function handle(req: Request): Promise<unknown> {
  switch (req.type) {
    case 'setup':
      return setup(req);
    case 'prune':
      return need().prune(req);
    case 'finetune':
      return need().fineTune(
        req,
        (step, total, loss, epoch) => notify({ type: 'progress', step, total, loss, epoch }),
        (point) => notify({ type: 'epoch', point }),
      );
    case 'export':
      return need().export(req.name);
  }
}

scope.onmessage = async (e: MessageEvent<{ id: number; req: Request }>) => {
  const { id, req } = e.data;
  let reply: Reply;
  try {
    reply = { id, ok: true, value: await handle(req) };
  } catch (err) {
    const error = err as Error & { code?: string };
    reply = { id, ok: false, error: error?.message ?? String(err), code: error?.code };
  }
  scope.postMessage(reply);
};
