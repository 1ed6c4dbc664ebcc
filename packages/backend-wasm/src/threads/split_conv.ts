import { type SparseConv2DAttrs, type SparseConv2DInputs, convOutSize, pooledSize } from '@prunekit/sparse';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { activationCode } from '../sparse/activation_code.js';
import { runRows } from '../sparse/operand.js';
import { cachedOperand } from '../sparse/operand_cache.js';
import { sparseModule } from '../sparse/sparse_module.js';
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
 * A stride-1 k×k SparseConv2D, per image: the main thread packs the image into zero-padded channel
 * planes (as the single-threaded kernel does), the planes go to the workers through the shared
 * buffer, and chunks of output channels (balanced by stored entries) are claimed by all threads;
 * the main thread gathers the workers' output planes before the (pooled) NHWC write.
 */
export function rowsSplitConv(
  ctx: ThreadsContext,
  backend: ThreadedBackend,
  a: SparseConv2DAttrs,
  inputs: SparseConv2DInputs,
  out: TensorInfo,
): void {
  const { pool } = ctx;
  const [batch, h, w, cin] = inputs.x.shape;
  const [ho, wo] = convOutSize(a, h, w);
  const [ph, pw] = a.pool;
  const [oh, ow] = pooledSize(a, ho, wo);
  const [kh, kw] = [a.filterHeight, a.filterWidth];
  const [dh, dw] = a.dilations;
  const hp = ho + (kh - 1) * dh;
  const wp = wo + (kw - 1) * dw;
  const planeTotal = cin * hp * wp + (kw - 1) * dw + 8;
  const len = ho * wp;
  const mod = sparseModule(backendMemory(backend));
  const scratch = workspaceFor(backend);
  const op = cachedOperand(mod, backend, a, inputs, 1, { cin, kh, kw, dh, dw, hp, wp });
  const view = operandView(backend, a, inputs);
  const id = ctx.cache.idFor(backend, view);
  const cuts = balancedCuts(view, chunkCount(pool, storedWork(inputs, len)));
  const rowBytes = view.height * len * 4;
  const planes = scratch.alloc(planeTotal);
  const outPlanes = scratch.alloc(a.rows * len);
  const pooled = ph !== 1 || pw !== 1 ? scratch.alloc(a.rows * oh * ow) : 0;
  const planeBytes = planeTotal * 4;
  const sab = pool.data(planeBytes + a.rows * len * 4);
  const bias = addressOf(backend, inputs.bias);
  const act = activationCode(a.activation);
  const x = addressOf(backend, inputs.x);
  const o = addressOf(backend, out);
  const args = [id, 0, planeTotal, cin, kh, kw, dh, dw, hp, wp, len, planeBytes, act];
  for (let b = 0; b < batch; b++) {
    mod.packPlanes(x + b * h * w * cin * 4, h, w, cin, a.pad[0], a.pad[2], hp, wp, planes, planeTotal);
    heapToShared(backend, planes, planeBytes, sab, 0);
    const mine = pool.run(
      CMD.conv,
      args,
      cuts,
      (c) => {
        const [u0, u1] = [cuts[c], cuts[c + 1]];
        const p = { ...operandFrom(op, view, u0), rows: u1 - u0 };
        runRows(
          mod,
          p,
          planes,
          len,
          outPlanes + u0 * rowBytes,
          rowBytes / view.height,
          biasFrom(bias, view, u0),
          act,
        );
      },
      ctx.mainWorks,
    );
    gatherChunks(backend, sab, mine, cuts, rowBytes, planeBytes, outPlanes);
    const dst = o + b * oh * ow * a.rows * 4;
    if (pooled) {
      mod.planesPool(outPlanes, a.rows, ho, wo, wp, ph, pw, pooled);
      mod.planesToNhwc(pooled, a.rows, oh, ow, ow, dst);
    } else {
      mod.planesToNhwc(outPlanes, a.rows, ho, wo, wp, dst);
    }
  }
}
