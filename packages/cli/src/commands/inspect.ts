/** prunekit inspect: layers (output shape, params, nonzero, MACs) and dependency groups. */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { analyzeChannels, buildGraph } from '@prunekit/layers';
import { loadLayersModel } from '@prunekit/recipe/node';
import '@prunekit/sparse'; // registers the sparse layer classes with tfjs
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit_codes.js';
import type { CliIO } from '../io.js';
import { inspectGraphModel, isGraphModelFile } from '../run/graph_model.js';
import { formatInspection, inspectGraph } from '../run/inspect.js';
import { inspectOnnxModel, isOnnxFile } from '../run/onnx.js';

export async function inspectCommand(
  flags: { model?: string; json?: boolean },
  io: CliIO,
): Promise<ExitCode> {
  if (!flags.model) throw new UsageError('inspect needs --model <model.json>.', { field: 'model' });
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  const other = isGraphModelFile(flags.model)
    ? inspectGraphModel
    : isOnnxFile(flags.model)
      ? inspectOnnxModel
      : undefined;
  if (other) {
    const info = await other(flags.model);
    io.stdout(flags.json ? `${JSON.stringify(info, null, 2)}\n` : formatInspection(info));
    return EXIT.ok;
  }
  const model = await loadLayersModel(flags.model);
  try {
    // prunekit's sparse layers (what prune and convert write) have no pruning spec: they are shown as
    // opaque nodes, their params being the stored sparse arrays and their MACs not counted.
    const sparse = model.layers
      .filter((l) => l.getClassName().startsWith('PrunekitSparse'))
      .map((l) => l.name);
    const graph = buildGraph(model, { opaque: sparse });
    const info = inspectGraph(graph, analyzeChannels(graph, { ignore: sparse }));
    const note = sparse.length
      ? `\nsparse layers (stored arrays as params, MACs not counted): ${sparse.join(', ')}\n`
      : '';
    io.stdout(
      flags.json
        ? `${JSON.stringify({ ...info, sparseLayers: sparse }, null, 2)}\n`
        : formatInspection(info) + note,
    );
    return EXIT.ok;
  } finally {
    model.dispose();
  }
}
