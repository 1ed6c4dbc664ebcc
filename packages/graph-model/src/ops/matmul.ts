import { lastDim, freezeAll, type OpFamily, opConfig, product } from './spec.js';
import { fusedArgs } from './conv.js';

const transposed = (attrs: Readonly<Record<string, unknown>>, k: string) => attrs[k] === true;

/**
 * MatMul / _FusedMatMul with a constant right-hand side b [in, out] (or [out, in] with
 * transpose_b): a Dense layer. A transposed or constant left side, or two computed operands
 * (attention), freeze the channels.
 */
export const matMulSpec: OpFamily = {
  ops: ['MatMul', '_FusedMatMul'],
  params(cfg) {
    const tb = transposed(cfg.attrs, 'transpose_b');
    return [
      { slot: 1, name: 'kernel', role: 'kernel', inAxis: tb ? 1 : 0, outAxis: tb ? 0 : 1, prunable: true },
      ...fusedArgs(cfg, 2),
    ];
  },
  macs(node) {
    const a = node.inputShapes[0] ?? [];
    return product(a) * lastDim(node.outputShape);
  },
  analyze(ctx) {
    const cfg = opConfig(ctx.node);
    if (cfg.slots[0]?.kind !== 'tensor' || cfg.slots[1]?.kind !== 'const') {
      return freezeAll(
        ctx,
        'multiplies two computed tensors (or a constant by a tensor); only x · constant is followed',
      );
    }
    if (transposed(cfg.attrs, 'transpose_a')) return freezeAll(ctx, 'transposes its input (transpose_a)');
    const tb = transposed(cfg.attrs, 'transpose_b');
    const output = ctx.produce(ctx.outChannels);
    const args = fusedArgs(cfg, 2)
      .filter((p) => {
        const s = cfg.slots[p.slot];
        return s?.kind === 'const' && s.shape.length > 0 && s.shape[s.shape.length - 1] > 1;
      })
      .map((p) => ({ weight: p.name, axis: p.outAxis ?? 0, side: 'out' as const }));
    return {
      output,
      slices: [
        { weight: 'kernel', axis: tb ? 1 : 0, side: 'in' },
        { weight: 'kernel', axis: tb ? 0 : 1, side: 'out' },
        ...args,
      ],
    };
  },
};
