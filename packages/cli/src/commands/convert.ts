/**
 * prunekit convert: stock tfjs layers model ⇄ prunekit sparse layers (CSR/BSR/N:M kernels), graph
 * model weights re-encoded, or either kind → ONNX.
 */
import { join, resolve } from 'node:path';
import { ModelFormatError } from '@prunekit/core';
import { buildGraphModelGraph, graphModelBytes } from '@prunekit/graph-model';
import { graphModelLoader } from '@prunekit/graph-model/node';
import { buildGraph, toStockModel } from '@prunekit/layers';
import { modelFileBytes, saveModel } from '@prunekit/layers/node';
import { graphModelToOnnx, layersToOnnx } from '@prunekit/onnx';
import { saveOnnxFile } from '@prunekit/onnx/node';
import { loadStage } from '@prunekit/recipe/node';
import { sparsePlan, toSparseModel } from '@prunekit/sparse';
import { initBackend } from '../backend.js';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit_codes.js';
import type { CliIO } from '../io.js';
import { formatTable } from '../table.js';
import { convertGraphModel } from '../run/graph_model.js';
import { checkOutDir } from './out_dir.js';

export async function convertCommand(
  flags: {
    model?: string;
    to?: string;
    out?: string;
    minSparsity?: string;
    overwrite?: boolean;
    json?: boolean;
  },
  io: CliIO,
): Promise<ExitCode> {
  if (!flags.model) throw new UsageError('convert needs --model <model.json>.', { field: 'model' });
  if (!flags.out) throw new UsageError('convert needs --out <folder>.', { field: 'out' });
  const min = flags.minSparsity === undefined ? 0.5 : Number(flags.minSparsity);
  if (!(min >= 0 && min <= 1))
    throw new UsageError(
      `--min-sparsity must be a number in [0, 1], got ${JSON.stringify(flags.minSparsity)}.`,
      { field: 'minSparsity' },
    );
  const out = resolve(flags.out);
  await checkOutDir(out, flags.overwrite ?? false, [flags.model]);
  await initBackend('cpu');
  const loaded = await loadStage(flags.model, { graphModel: graphModelLoader });
  if (loaded.format === 'graph-model') {
    const to = flags.to ?? 'sparse';
    if (to === 'onnx') {
      const graph = await buildGraphModelGraph(loaded.model);
      let bytes: Uint8Array;
      try {
        bytes = graphModelToOnnx(graph);
      } finally {
        graph.dispose();
      }
      const file = await saveOnnxFile(join(out, 'model.onnx'), bytes);
      const r = { file, before: graphModelBytes(loaded.model), after: bytes.length, layout: 'NHWC' };
      io.stdout(
        flags.json
          ? `${JSON.stringify(r, null, 2)}\n`
          : `saved ${file}: ${r.before} → ${r.after} bytes (ONNX opset 17; inputs and outputs keep the graph model's NHWC shapes, weights their stored dtype)\n`,
      );
      return EXIT.ok;
    }
    if (!['stock', 'float32', 'float16', 'uint8', 'uint16'].includes(to)) {
      throw new UsageError(
        `convert --to ${to}: '${flags.model}' is a graph model; sparse layers exist for LayersModels only. Use --to onnx, stock, float32, float16, uint8 or uint16.`,
        { field: 'to' },
      );
    }
    const r = await convertGraphModel(
      loaded.model,
      to === 'stock' ? 'keep' : (to as 'float32'),
      out,
      flags.overwrite,
    );
    io.stdout(
      flags.json
        ? `${JSON.stringify(r, null, 2)}\n`
        : `saved ${out}: ${r.before} → ${r.after} bytes (weights ${to})\n`,
    );
    return EXIT.ok;
  }
  const model = loaded.model;
  const sparseLayers = model.layers
    .filter((l) => /^(Prunekit)?Sparse/.test(l.getClassName()))
    .map((l) => l.name);
  try {
    if (flags.to === 'onnx') {
      if (sparseLayers.length > 0) {
        throw new ModelFormatError(
          'E_MODEL_FORMAT',
          `convert --to onnx: '${flags.model}' has sparse layers (${sparseLayers.join(', ')}), which ONNX Runtime would densify; convert the pruned stock model it came from instead.`,
          { file: flags.model },
        );
      }
      // Fused conv layers (prune's default export) go to ONNX as the stock layers they stand for.
      const stock = await toStockModel(model);
      let bytes: Uint8Array;
      try {
        bytes = layersToOnnx(buildGraph(stock?.model ?? model));
      } finally {
        stock?.model.dispose();
      }
      const file = await saveOnnxFile(join(out, 'model.onnx'), bytes);
      const r = { file, before: await modelFileBytes(flags.model), after: bytes.length, layout: 'NCHW' };
      io.stdout(
        flags.json
          ? `${JSON.stringify(r, null, 2)}\n`
          : `saved ${file}: ${r.before} → ${r.after} bytes (ONNX opset 17; 4-D inputs and outputs are NCHW)\n`,
      );
      return EXIT.ok;
    }
    if (flags.to === 'stock') {
      if (sparseLayers.length > 0) {
        throw new ModelFormatError(
          'E_MODEL_FORMAT',
          `convert --to stock: '${flags.model}' has sparse layers (${sparseLayers.join(', ')}); convert the pruned stock model it came from instead (prune writes it with export.format: stock).`,
          { file: flags.model },
        );
      }
      // prunekit's fused conv layers (the default export of prune) go back to Conv2D / DepthwiseConv2D + ReLU(6).
      const stock = await toStockModel(model);
      try {
        await saveModel(stock?.model ?? model, out, { overwrite: flags.overwrite });
      } finally {
        stock?.model.dispose();
      }
      const unfused = stock ? `; fused conv layers un-fused: ${stock.layers.join(', ')}` : '';
      io.stdout(`saved stock model to ${out} (${await modelFileBytes(out)} bytes${unfused})\n`);
      return EXIT.ok;
    }
    const plan = sparsePlan(model, { minSparsity: min });
    const sparse = await toSparseModel(model, { minSparsity: min });
    try {
      await saveModel(sparse, out, { overwrite: flags.overwrite });
    } finally {
      sparse.dispose();
    }
    const bytes = { before: await modelFileBytes(flags.model), after: await modelFileBytes(out) };
    if (flags.json) io.stdout(`${JSON.stringify({ layers: plan, bytes }, null, 2)}\n`);
    else {
      io.stdout(
        `${formatTable([['layer', 'class', 'sparsity', 'converted', 'format', 'reason'], ...plan.map((d) => [d.layer, d.className, Number(d.sparsity.toFixed(3)), d.converted ? 'yes' : 'no', d.format ?? '', d.reason])])}\n` +
          `saved ${out}: ${bytes.before} → ${bytes.after} bytes on disk\n`,
      );
    }
    return EXIT.ok;
  } finally {
    model.dispose();
  }
}
