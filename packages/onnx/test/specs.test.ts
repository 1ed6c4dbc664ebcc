// The 'onnx' op specs: every built-in spec complete and in core's registry; a custom op is one
// registration; typed errors name the node and op and say what to do.
import { PrunekitError, specProblems } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  analyzeOnnxChannels,
  buildOnnxGraph,
  decodeModel,
  encodeModel,
  getOnnxOpSpec,
  onnx,
  onnxOpSpecs,
  onnxOpSpecsOf,
  registerOnnxOpSpec,
} from '../src/index.js';
import { makeTensor } from '../src/proto/tensors.js';
import { RANDOM_ONNX_OPS } from './op_lists.js';
import { randomOnnxModel } from './random_onnx.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

/** Conv → MyGate (a custom op) → Conv, shape [1, 4, 4, 4]. */
function customOpModel(op: string, attribute: object[] = []): Uint8Array {
  const T = onnx.TensorProto.DataType;
  const w = (name: string, dims: number[]) =>
    makeTensor(
      name,
      T.FLOAT,
      dims,
      Float32Array.from({ length: dims.reduce((a, d) => a * d, 1) }, (_, i) => Math.sin(i)),
    );
  const vi = (name: string) => ({
    name,
    type: { tensorType: { elemType: T.FLOAT, shape: { dim: [1, 4, 4, 4].map((d) => ({ dimValue: d })) } } },
  });
  return encodeModel(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'custom',
        node: [
          { opType: 'Conv', name: 'c1', input: ['x', 'w1'], output: ['a'] },
          { opType: op, name: 'gate', input: ['a'], output: ['b'], attribute },
          { opType: 'Conv', name: 'c2', input: ['b', 'w2'], output: ['y'] },
        ],
        initializer: [w('w1', [4, 4, 1, 1]), w('w2', [4, 4, 1, 1])],
        input: [vi('x')],
        output: [{ name: 'y', type: { tensorType: { elemType: T.FLOAT } } }],
      },
    }),
  );
}

describe('onnx op specs', () => {
  it('every built-in spec is complete and registered in the one spec registry (format onnx)', () => {
    expect(onnxOpSpecs.format).toBe('onnx');
    for (const name of onnxOpSpecs.names())
      expect(specProblems(onnxOpSpecs.get(name), 'onnx'), name).toEqual([]);
    for (const op of RANDOM_ONNX_OPS) expect(getOnnxOpSpec(op), op).toBeDefined();
  });

  it('a custom op is one registration: without it the build stops naming the op and what to do, with it its channels prune', () => {
    const before = tf.memory().numTensors;
    const bytes = customOpModel('MyGate');
    expect(() => buildOnnxGraph(bytes)).toThrow(/no shape rule for op 'MyGate'.*registerOnnxOpSpec/);
    registerOnnxOpSpec(
      onnxOpSpecsOf({
        ops: ['MyGate'],
        analyze: (ctx) => ({ output: ctx.inputs[0] }),
        infer: (ctx) => [[...ctx.shapes[0]!]],
      })[0],
    );
    try {
      const graph = buildOnnxGraph(bytes);
      const groups = analyzeOnnxChannels(graph).groups;
      expect(groups.map((g) => g.id)).toEqual(['a']);
      graph.dispose();
    } finally {
      onnxOpSpecs.unregister('MyGate');
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a frozen group says which node and op froze it', () => {
    const perm = { name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [0, 2, 1, 3] };
    const graph = buildOnnxGraph(customOpModel('Transpose', [perm]));
    const analysis = analyzeOnnxChannels(graph);
    expect(analysis.groups).toEqual([]);
    expect(analysis.frozen.map((f) => f.reason)).toContain(
      "'b' (Transpose) moves the channel axis (a transpose prunekit does not follow)",
    );
    graph.dispose();
  });
});

describe('typed errors', () => {
  it('bytes that are not ONNX: E_MODEL_FORMAT naming the file', () => {
    const err = (() => {
      try {
        buildOnnxGraph(new Uint8Array([1, 2, 3, 4, 5]), { label: 'bad.onnx' });
      } catch (e) {
        return e as PrunekitError;
      }
    })();
    expect(err).toBeInstanceOf(PrunekitError);
    expect(err?.code).toBe('E_MODEL_FORMAT');
    expect(err?.message).toContain('bad.onnx');
  });

  it('a symbolic input dimension: E_SHAPE naming the input and the option to pass', () => {
    const m = decodeModel(randomOnnxModel(3).bytes);
    m.graph!.input[0].type!.tensorType!.shape!.dim![2] = { dimParam: 'H' };
    expect(() => buildOnnxGraph(encodeModel(m), { label: 'sym.onnx' })).toThrow(
      /graph input 'x' has a symbolic dimension 2; pass inputShapes/,
    );
    const r = randomOnnxModel(3);
    const graph = buildOnnxGraph(encodeModel(m), { inputShapes: { x: r.inputShape } });
    expect(graph.node('x').outputShape).toEqual(r.inputShape);
    graph.dispose();
  });

  it('shapes that do not fit: E_SHAPE naming the node and op', () => {
    const m = decodeModel(customOpModel('Relu'));
    m.graph!.initializer[1] = makeTensor(
      'w2',
      onnx.TensorProto.DataType.FLOAT,
      [4, 4, 9, 9],
      new Float32Array(4 * 4 * 81),
    );
    let err: PrunekitError | undefined;
    try {
      buildOnnxGraph(encodeModel(m));
    } catch (e) {
      err = e as PrunekitError;
    }
    expect(err?.code).toBe('E_SHAPE');
    expect(err?.message).toMatch(/ONNX node 'c2' \(Conv\)/);
  });
});
