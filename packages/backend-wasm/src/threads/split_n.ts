import type { FusedActivation, SparseAttrs, SparseOperandInputs } from '@prunekit/sparse';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { activationCode } from '../sparse/activation_code.js';
import { kindCode } from '../sparse/operand.js';
import { cachedOperand } from '../sparse/operand_cache.js';
import { PANEL_BYTES, PANEL_WIDTH, sparseModule } from '../sparse/sparse_module.js';
import { addressOf, backendMemory } from '../sparse/wasm_backend.js';
import { workspaceFor } from '../sparse/workspace.js';
import { type ThreadsContext, chunkCount, heapToShared, gatherChunks, storedWork } from './context.js';
import { CMD } from './protocol.js';
import { operandView, panelCuts } from './slices.js';
import type { ThreadedBackend } from './weight_cache.js';

/**
 * out[n, rows] = act(x·Sᵀ + bias) for x `[n, cols]` (a Dense layer's input, or NHWC pixels of a 1×1
 * conv) in chunks of x's rows, 16-row panels each, claimed by the main thread (in place) and the
 * workers (from the shared buffer). A chunk's input and output are both contiguous.
 */
export function nSplitMatMul(
  ctx: ThreadsContext,
  backend: ThreadedBackend,
  a: SparseAttrs & { activation: FusedActivation },
  inputs: SparseOperandInputs & { x: TensorInfo },
  n: number,
  out: TensorInfo,
): void {
  const { pool } = ctx;
  const k = a.cols;
  const mod = sparseModule(backendMemory(backend));
  const scratch = workspaceFor(backend);
  const op = cachedOperand(mod, backend, a, inputs, PANEL_BYTES);
  const id = ctx.cache.idFor(backend, operandView(backend, a, inputs));
  const cuts = panelCuts(n, chunkCount(pool, storedWork(inputs, n)));
  const panel = scratch.alloc(k * PANEL_WIDTH);
  const outPanel = scratch.alloc(a.rows * PANEL_WIDTH);
  const xBytes = n * k * 4;
  const sab = pool.data(xBytes + n * a.rows * 4);
  const x = addressOf(backend, inputs.x);
  heapToShared(backend, x, xBytes, sab, 0);
  const bias = addressOf(backend, inputs.bias);
  const act = activationCode(a.activation);
  const o = addressOf(backend, out);
  const args = [id, 0, k, n, a.rows, xBytes, act, PANEL_BYTES, PANEL_WIDTH];
  const mine = pool.run(
    CMD.nk,
    args,
    cuts,
    (c) => {
      const [j0, j1] = [cuts[c], cuts[c + 1]];
      mod.spmmNk(
        kindCode(op),
        op.rowPtr,
        op.offs,
        op.vals,
        op.rows,
        op.r,
        op.c,
        a.rows,
        x + j0 * k * 4,
        k,
        j1 - j0,
        o + j0 * a.rows * 4,
        bias,
        act,
        panel,
        outPanel,
      );
    },
    ctx.mainWorks,
  );
  const rowBytes = a.rows * 4;
  gatherChunks(backend, sab, mine, cuts, rowBytes, xBytes, o);
}
