import type { SparseMatMulAttrs, SparseMatMulInputs } from '@prunekit/sparse';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { activationCode } from '../sparse/activation_code.js';
import { kindCode, prepareOperand } from '../sparse/operand.js';
import {
  NM_PANEL_BYTES,
  NM_PANEL_WIDTH,
  PANEL_BYTES,
  PANEL_WIDTH,
  sparseModule,
} from '../sparse/sparse_module.js';
import { Scratch, addressOf, backendMemory } from '../sparse/wasm_backend.js';
import { type ThreadsContext, heapToShared, sharedToHeap, waitAll } from './context.js';
import { CMD } from './protocol.js';
import { balancedCuts, operandView } from './slices.js';
import type { ThreadedBackend } from './weight_cache.js';

/**
 * out[rows, n] = act(S·x + bias) for x `[cols, n]`, the output rows split across the main thread
 * (first run) and the workers (one run each), runs balanced by stored entries. Workers hold their
 * rows of S; x goes to them once per call through the shared buffer, their rows come back the same way.
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
  const scratch = new Scratch(backend);
  try {
    // The panel spmmKn packs x into: wider for N:M (as the single-threaded SparseMatMul sets it up).
    const nm = a.format === 'nm';
    const [mult, width] = nm ? [NM_PANEL_BYTES, NM_PANEL_WIDTH] : [PANEL_BYTES, PANEL_WIDTH];
    const op = prepareOperand(mod, backend, scratch, a, inputs, mult);
    const view = operandView(backend, a, inputs);
    const cuts = balancedCuts(view, pool.size + 1);
    const id = ctx.cache.idFor(backend, view, { kind: 'rows', cuts });
    const rowBytes = n * 4;
    const xBytes = a.cols * rowBytes;
    const outOff: number[] = [];
    let total = xBytes;
    for (let w = 0; w < pool.size; w++) {
      outOff.push(total);
      total += (cuts[w + 2] - cuts[w + 1]) * view.height * rowBytes;
    }
    const panel = scratch.alloc(a.cols * width);
    const sab = pool.data(total);
    const x = addressOf(backend, inputs.x);
    heapToShared(backend, x, xBytes, sab, 0);
    const act = activationCode(a.activation);
    for (let w = 0; w < pool.size; w++)
      pool.start(w, CMD.kn, [id, 0, a.cols, n, outOff[w], act, mult, width]);
    const o = addressOf(backend, out);
    mod.spmmKn(
      kindCode(op),
      op.rowPtr,
      op.offs,
      op.vals,
      cuts[1],
      op.r,
      op.c,
      x,
      a.cols,
      n,
      o,
      addressOf(backend, inputs.bias),
      act,
      panel,
    );
    waitAll(pool);
    for (let w = 0; w < pool.size; w++) {
      const bytes = (cuts[w + 2] - cuts[w + 1]) * view.height * rowBytes;
      sharedToHeap(backend, sab, outOff[w], bytes, o + cuts[w + 1] * view.height * rowBytes);
    }
  } finally {
    scratch.free();
  }
}
