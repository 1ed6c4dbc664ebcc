import { specProblems } from '@prunekit/core';
import { describe, expect, it } from 'vitest';
import { getOpSpec, opSpecs, opSpecsOf, registeredOps, registerOpSpec } from '../src/index.js';
import { SPEC_OPS } from './op_lists.js';

const OP_LIST = SPEC_OPS;

describe("graph-model op specs in core's spec registry", () => {
  it('every registered op spec is complete, and every op of the list has one', () => {
    expect(opSpecs.format).toBe('graph-model');
    const broken = registeredOps().flatMap((op) =>
      specProblems(getOpSpec(op), 'graph-model').map((p) => `${op}: ${p}`),
    );
    expect(broken).toEqual([]);
    expect(OP_LIST.filter((op) => !getOpSpec(op))).toEqual([]);
    // Fixed weight slots carry their channel axes once, in the spec.
    expect(getOpSpec('Conv2D')!.params['1']).toEqual({
      role: 'kernel',
      inAxis: 2,
      outAxis: 3,
      prunable: true,
    });
    expect(
      getOpSpec('_FusedConv2D')!.slotParams!({
        op: '_FusedConv2D',
        attrs: { fused_ops: ['BiasAdd', 'Prelu'] },
        slots: [],
        outputIndex: 0,
      }).map((p) => p.name),
    ).toEqual(['filter', 'bias', 'alpha']);
  });

  it('a custom op is one registration; incomplete specs are refused', () => {
    const [spec] = opSpecsOf({ ops: ['MyOp'], analyze: (ctx) => ({ output: ctx.inputs[0] }) });
    registerOpSpec(spec);
    expect(getOpSpec('MyOp')).toBe(spec);
    opSpecs.unregister('MyOp');
    expect(getOpSpec('MyOp')).toBeUndefined();
    expect(() => registerOpSpec({ ...spec, format: 'layers' } as never)).toThrow(
      /format must be 'graph-model'/,
    );
  });
});
