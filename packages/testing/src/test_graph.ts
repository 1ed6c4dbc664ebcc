import * as tf from '@tensorflow/tfjs-core';
import {
  type GraphNode,
  type ModelGraph,
  type ParamInfo,
  type ParamRole,
  ShapeError,
  createModelGraph,
  createRng,
  sizeOf,
} from '@prunekit/core';

/** One parameter of a hand-made layer. Values default to seeded normals times `scale`. */
export interface TestParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly role?: ParamRole;
  readonly values?: ArrayLike<number>;
  readonly scale?: number;
  readonly prunable?: boolean;
  readonly outAxis?: number;
  readonly inAxis?: number;
}

/** One layer of a hand-made test graph: its name, class, inputs, params and MACs. */
export interface TestLayerSpec {
  readonly name: string;
  readonly className?: string;
  readonly inputs?: readonly string[];
  readonly params?: readonly TestParamSpec[];
  readonly macs?: number;
}

/** A ModelGraph whose weights live in tf.Variables; call dispose() when done. */
export interface TestGraph extends ModelGraph {
  dispose(): void;
}

function defaultPrunable(role: ParamRole): boolean {
  return role === 'kernel' || role === 'depthwiseKernel' || role === 'pointwiseKernel';
}

/**
 * Builds a ModelGraph from plain layer specs, without tfjs-layers: useful to test scorers and
 * pruners against exact, known weights. Layers are taken in the order given (topological);
 * a layer with no `inputs` consumes the previous one.
 */
export function createTestGraph(layers: readonly TestLayerSpec[], seed = 1): TestGraph {
  const rng = createRng(seed);
  const vars = new Map<string, tf.Variable>();
  const nodes: GraphNode[] = [];
  let prev: string | undefined;
  for (const l of layers) {
    const params: ParamInfo[] = [];
    for (const p of l.params ?? []) {
      const id = `${l.name}/${p.name}`;
      const n = sizeOf(p.shape);
      const values = new Float32Array(n);
      if (p.values) {
        if (p.values.length !== n) {
          throw new ShapeError(
            `createTestGraph: '${id}' has ${p.values.length} values for shape [${p.shape}].`,
          );
        }
        values.set(p.values);
      } else {
        const s = p.scale ?? 1;
        for (let i = 0; i < n; i++) values[i] = rng.normal() * s;
      }
      const init = tf.tensor(values, [...p.shape]);
      vars.set(id, tf.variable(init, false));
      init.dispose();
      const role = p.role ?? (p.name === 'bias' ? 'bias' : 'kernel');
      const rank = p.shape.length;
      params.push({
        id,
        node: l.name,
        name: p.name,
        role,
        shape: [...p.shape],
        outAxis: p.outAxis ?? (role === 'kernel' || role === 'bias' ? rank - 1 : undefined),
        inAxis: p.inAxis ?? (role === 'kernel' && rank >= 2 ? rank - 2 : undefined),
        prunable: p.prunable ?? defaultPrunable(role),
      });
    }
    const inputs = l.inputs ? [...l.inputs] : prev ? [prev] : [];
    nodes.push({
      name: l.name,
      className: l.className ?? (params.length ? 'Dense' : 'InputLayer'),
      inputs,
      inputShapes: [],
      outputShape: [],
      params,
      macs: l.macs ?? params.filter((p) => p.role === 'kernel').reduce((a, p) => a + sizeOf(p.shape), 0),
      config: {},
    });
    prev = l.name;
  }
  const varOf = (id: string): tf.Variable => {
    const v = vars.get(id);
    if (!v) throw new ShapeError(`createTestGraph: no parameter '${id}'.`);
    return v;
  };
  const graph = createModelGraph({
    nodes,
    inputs: nodes.length ? [nodes[0].name] : [],
    outputs: nodes.length ? [nodes[nodes.length - 1].name] : [],
    weights: {
      tensor: (id) => varOf(id),
      values: (id) => varOf(id).dataSync().slice() as Float32Array,
      assign: (id, value) => varOf(id).assign(value),
    },
  });
  return {
    ...graph,
    dispose() {
      for (const v of vars.values()) v.dispose();
      vars.clear();
    },
  };
}

/**
 * A three-layer dense graph ('input' → 'fc1' → 'fc2' → 'fc3'), each kernel [in, out] plus a bias,
 * with kernel values scaled per layer by `scales` (layers of different magnitude).
 */
export function denseTestGraph(
  opts: { sizes?: readonly number[]; scales?: readonly number[]; seed?: number } = {},
): TestGraph {
  const sizes = opts.sizes ?? [6, 8, 5, 3];
  const scales = opts.scales ?? sizes.slice(1).map(() => 1);
  const layers: TestLayerSpec[] = [{ name: 'input', className: 'InputLayer' }];
  for (let i = 1; i < sizes.length; i++) {
    layers.push({
      name: `fc${i}`,
      className: 'Dense',
      params: [
        { name: 'kernel', shape: [sizes[i - 1], sizes[i]], scale: scales[i - 1] ?? 1 },
        { name: 'bias', shape: [sizes[i]], scale: 0.1 },
      ],
    });
  }
  return createTestGraph(layers, opts.seed ?? 1);
}
