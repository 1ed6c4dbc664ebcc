import { type SparseConv2DAttrs, type SparseConv2DInputs, convOutSize, pooledSize } from '@prunekit/sparse';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { activationCode } from '../sparse/activation_code.js';
import { prepareOperand, runRows } from '../sparse/operand.js';
import { sparseModule } from '../sparse/sparse_module.js';
import { Scratch, addressOf, backendMemory } from '../sparse/wasm_backend.js';
import { type ThreadsContext, heapToShared, sharedToHeap, waitAll } from './context.js';
import { CMD } from './protocol.js';
import { balancedCuts, operandView } from './slices.js';
import type { ThreadedBackend } from './weight_cache.js';

/**
 * A stride-1 k×k SparseConv2D with its output channels split across the main thread and the
 * workers, per image: the main thread packs the image into zero-padded channel planes (as the
 * single-threaded kernel does), the planes go to every worker through the shared buffer, each
 * computes its run of output-channel planes, and the main thread gathers them before the (pooled)
 * NHWC write.
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
  const scratch = new Scratch(backend);
  try {
    const op = prepareOperand(mod, backend, scratch, a, inputs, 1);
    mod.convOffsets(op.offs, op.entries, cin, kh, kw, dh, dw, hp, wp, scratch.alloc(kh * kw * cin));
    const view = operandView(backend, a, inputs);
    const cuts = balancedCuts(view, pool.size + 1);
    const id = ctx.cache.idFor(backend, view, { kind: 'rows', cuts });
    const rowBytes = len * 4;
    const outOff: number[] = [];
    let total = planeTotal * 4;
    for (let q = 0; q < pool.size; q++) {
      outOff.push(total);
      total += (cuts[q + 2] - cuts[q + 1]) * view.height * rowBytes;
    }
    const planes = scratch.alloc(planeTotal);
    const outPlanes = scratch.alloc(a.rows * len);
    const pooling = ph !== 1 || pw !== 1;
    const pooled = pooling ? scratch.alloc(a.rows * oh * ow) : 0;
    const sab = pool.data(total);
    const bias = addressOf(backend, inputs.bias);
    const act = activationCode(a.activation);
    const x = addressOf(backend, inputs.x);
    const o = addressOf(backend, out);
    const mine = { ...op, rows: cuts[1] };
    for (let b = 0; b < batch; b++) {
      mod.packPlanes(x + b * h * w * cin * 4, h, w, cin, a.pad[0], a.pad[2], hp, wp, planes, planeTotal);
      heapToShared(backend, planes, planeTotal * 4, sab, 0);
      for (let q = 0; q < pool.size; q++) {
        pool.start(q, CMD.conv, [id, 0, planeTotal, cin, kh, kw, dh, dw, hp, wp, len, outOff[q], act]);
      }
      runRows(mod, mine, planes, len, outPlanes, rowBytes, bias, act);
      waitAll(pool);
      for (let q = 0; q < pool.size; q++) {
        const bytes = (cuts[q + 2] - cuts[q + 1]) * view.height * rowBytes;
        sharedToHeap(backend, sab, outOff[q], bytes, outPlanes + cuts[q + 1] * view.height * rowBytes);
      }
      const dst = o + b * oh * ow * a.rows * 4;
      if (pooled) {
        mod.planesPool(outPlanes, a.rows, ho, wo, wp, ph, pw, pooled);
        mod.planesToNhwc(pooled, a.rows, oh, ow, ow, dst);
      } else {
        mod.planesToNhwc(outPlanes, a.rows, ho, wo, wp, dst);
      }
    }
  } finally {
    scratch.free();
  }
}
