import type { FusedActivation, SparseAttrs, SparseOperandInputs } from '@prunekit/sparse';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { activationCode } from '../sparse/activation_code.js';
import { kindCode, prepareOperand } from '../sparse/operand.js';
import { PANEL_BYTES, PANEL_WIDTH, sparseModule } from '../sparse/sparse_module.js';
import { Scratch, addressOf, backendMemory } from '../sparse/wasm_backend.js';
import { type ThreadsContext, heapToShared, sharedToHeap, waitAll } from './context.js';
import { CMD } from './protocol.js';
import { operandView, panelCuts } from './slices.js';
import type { ThreadedBackend } from './weight_cache.js';

/**
 * out[n, rows] = act(x·Sᵀ + bias) for x `[n, cols]` (a Dense layer's input, or NHWC pixels of a 1×1
 * conv), split over n: every worker holds all of S and gets its own run of x's rows, so both its
 * input and its output are contiguous. The main thread takes the first run in place.
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
  const scratch = new Scratch(backend);
  try {
    const op = prepareOperand(mod, backend, scratch, a, inputs, PANEL_BYTES);
    const id = ctx.cache.idFor(backend, operandView(backend, a, inputs), { kind: 'whole' });
    const cuts = panelCuts(n, pool.size + 1);
    // Per worker: its x rows, then its out rows.
    const xOff: number[] = [];
    const outOff: number[] = [];
    let total = 0;
    for (let w = 0; w < pool.size; w++) {
      const len = cuts[w + 2] - cuts[w + 1];
      xOff.push(total);
      outOff.push(total + len * k * 4);
      total += len * (k + a.rows) * 4;
    }
    const panel = scratch.alloc(k * PANEL_WIDTH);
    const outPanel = scratch.alloc(a.rows * PANEL_WIDTH);
    const sab = pool.data(total);
    const x = addressOf(backend, inputs.x);
    const act = activationCode(a.activation);
    for (let w = 0; w < pool.size; w++) {
      const len = cuts[w + 2] - cuts[w + 1];
      heapToShared(backend, x + cuts[w + 1] * k * 4, len * k * 4, sab, xOff[w]);
      pool.start(w, CMD.nk, [id, xOff[w], k, len, a.rows, outOff[w], act, PANEL_BYTES, PANEL_WIDTH]);
    }
    const o = addressOf(backend, out);
    mod.spmmNk(
      kindCode(op),
      op.rowPtr,
      op.offs,
      op.vals,
      op.rows,
      op.r,
      op.c,
      a.rows,
      x,
      k,
      cuts[1],
      o,
      addressOf(backend, inputs.bias),
      act,
      panel,
      outPanel,
    );
    waitAll(pool);
    for (let w = 0; w < pool.size; w++) {
      const len = cuts[w + 2] - cuts[w + 1];
      sharedToHeap(backend, sab, outOff[w], len * a.rows * 4, o + cuts[w + 1] * a.rows * 4);
    }
  } finally {
    scratch.free();
  }
}
