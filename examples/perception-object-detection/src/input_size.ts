/**
 * CenterNet at another input side. The network is fully convolutional, but the converter froze the
 * input side into the graph twice: the Placeholder's (and signature's) shape, and the output sizes
 * of the head's three ResizeBilinear upsamplers (Consts). Rewriting both gives the same weights at
 * `size × size` — used to distil on 256×256 crops (4× cheaper per step) and evaluate at 512.
 */
import { InvalidArgumentError } from '@prunekit/core';
import { type GraphModelSource, graphModelSource, writeGraphModel } from '@prunekit/graph-model';

type Dims = { dim?: { size?: string }[] };

function inputSide(source: GraphModelSource): { name: string; side: number } {
  const input = source.nodes.find((n) => n.op === 'Placeholder');
  const dims = (input?.attr?.shape?.shape as Dims | undefined)?.dim?.map((d) => Number(d.size));
  if (!input || !dims || dims.length !== 4 || dims[1] !== dims[2] || !(dims[1] > 0)) {
    throw new InvalidArgumentError(
      `${source.label}: no square NHWC Placeholder with a fixed side; withInputSize works on CenterNet-like graphs only.`,
      { field: 'modelTopology.node', file: source.label },
    );
  }
  return { name: input.name, side: dims[1] };
}

/** The model with its input side changed to `size` (a multiple of 32, like the backbone's stride). */
export function withInputSize(source: GraphModelSource, size: number): GraphModelSource {
  if (!Number.isInteger(size) || size <= 0 || size % 32 !== 0) {
    throw new InvalidArgumentError(`withInputSize: size ${size} is not a positive multiple of 32.`, {
      field: 'size',
    });
  }
  const { name, side } = inputSide(source);
  if (side === size) return source;
  const overrides = source.nodes
    .filter((n) => n.op === 'ResizeBilinear' || n.op === 'ResizeNearestNeighbor')
    .map((n) => {
      const constName = n.input![1];
      const stored = source.consts.get(constName);
      if (!stored) {
        throw new InvalidArgumentError(
          `${source.label}: ${n.op} '${n.name}' takes its size from '${constName}', not a Const; cannot rescale.`,
          { field: 'modelTopology.node', node: n.name },
        );
      }
      const values = Int32Array.from(stored.values, (v) => Math.round((v * size) / side));
      return { constName, consumer: n.name, slot: 1, values, shape: stored.spec.shape };
    });
  const written = writeGraphModel(source, overrides);
  const json = structuredClone(written.json);
  const dims = (d: Dims | undefined) =>
    d?.dim?.forEach((x, i) => {
      if (i === 1 || i === 2) x.size = String(size);
    });
  dims(json.modelTopology.node.find((n) => n.name === name)?.attr?.shape?.shape as Dims | undefined);
  const sig = json.signature as
    | { inputs?: Record<string, { tensorShape?: Dims }>; outputs?: Record<string, { tensorShape?: Dims }> }
    | undefined;
  for (const v of Object.values(sig?.inputs ?? {})) dims(v.tensorShape);
  // Output maps scale with the input (stride 4); the decoded detections keep their shape.
  for (const v of Object.values(sig?.outputs ?? {})) {
    const d = v.tensorShape?.dim;
    if (d?.length === 4) {
      d[1].size = String((Number(d[1].size) * size) / side);
      d[2].size = String((Number(d[2].size) * size) / side);
    }
  }
  return graphModelSource(json, written.artifacts.weightData as ArrayBuffer, source.label);
}
