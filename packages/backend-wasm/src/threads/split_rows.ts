import type { SparseMatMulAttrs, SparseMatMulInputs } from '@prunekit/sparse';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { activationCode } from '../sparse/activation_code.js';
import { kindCode } from '../sparse/operand.js';
import { cachedOperand } from '../sparse/operand_cache.js';
import {
  NM_PANEL_BYTES,
  NM_PANEL_WIDTH,
  PANEL_BYTES,
  PANEL_WIDTH,
  sparseModule,
} from '../sparse/sparse_module.js';
import { addressOf, backendMemory } from '../sparse/wasm_backend.js';
import { workspaceFor } from '../sparse/workspace.js';
import {
  type ThreadsContext,
  biasFrom,
  chunkCount,
  heapToShared,
  operandFrom,
  gatherChunks,
  storedWork,
} from './context.js';
import { CMD } from './protocol.js';
import { balancedCuts, operandView } from './slices.js';
import type { ThreadedBackend } from './weight_cache.js';

/**
 * out[rows, n] = act(S·x + bias) for x `[cols, n]` in chunks of output rows (balanced by stored
 * entries) that the main thread, in place on the backend's heap, and the workers, on their copies
 * of S and of x (passed once per call through the shared buffer), claim as they go.
 */
export function rowsSplitMatMul(
  ctx: ThreadsContext,
  backend: ThreadedBackend,
  a: SparseMatMulAttrs,
  inputs: SparseMatMulInputs,
  out: TensorInfo,
): void {
  const n = inputs.x.shape[1];
  const { pool } = ctx;
  const mod = sparseModule(backendMemory(backend));
  const scratch = workspaceFor(backend);
  // The panel spmmKn packs x into: wider for N:M (as the single-threaded SparseMatMul sets it up).
  const [mult, width] = a.format === 'nm' ? [NM_PANEL_BYTES, NM_PANEL_WIDTH] : [PANEL_BYTES, PANEL_WIDTH];
  const op = cachedOperand(mod, backend, a, inputs, mult);
  const view = operandView(backend, a, inputs);
  const id = ctx.cache.idFor(backend, view);
  // One chunk per thread: spmmKn packs all of x into its panels again for every chunk.
  const cuts = balancedCuts(view, chunkCount(pool, storedWork(inputs, n), 1));
  const rowBytes = view.height * n * 4;
  const xBytes = a.cols * n * 4;
  const panel = scratch.alloc(a.cols * width);
  const sab = pool.data(xBytes + a.rows * n * 4);
  const x = addressOf(backend, inputs.x);
  heapToShared(backend, x, xBytes, sab, 0);
  const bias = addressOf(backend, inputs.bias);
  const act = activationCode(a.activation);
  const o = addressOf(backend, out);
  const mine = pool.run(
    CMD.kn,
    [id, 0, a.cols, n, xBytes, act, mult, width],
    cuts,
    (c) => {
      const [u0, u1] = [cuts[c], cuts[c + 1]];
      const p = operandFrom(op, view, u0);
      mod.spmmKn(
        kindCode(op),
        p.rowPtr,
        p.offs,
        p.vals,
        u1 - u0,
        op.r,
        op.c,
        x,
        a.cols,
        n,
        o + u0 * rowBytes,
        biasFrom(bias, view, u0),
        act,
        panel,
      );
    },
    ctx.mainWorks,
  );
  gatherChunks(backend, sab, mine, cuts, rowBytes, xBytes, o);
}
