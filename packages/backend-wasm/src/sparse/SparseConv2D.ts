import {
  kernelNames,
  type SparseConv2DAttrs,
  type SparseConv2DInputs,
  convOutSize,
  pooledSize,
} from '@prunekit/sparse';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { activationCode } from './activation_code.js';
import { type PreparedOperand, kindCode, prepareOperand, runRows } from './operand.js';
import { cachedOperand, planeOffsets } from './operand_cache.js';
import { PANEL_BYTES, PANEL_WIDTH, sparseModule } from './sparse_module.js';
import { type WasmBackendLike, addressOf, backendMemory } from './wasm_backend.js';
import { workspaceFor } from './workspace.js';

/**
 * SparseConv2D on 'wasm'. Each image is packed into zero-padded channel planes; with stride 1 every
 * filter entry is then a fixed shift of the whole plane stack, so the conv is one sparse-rows ×
 * panel product over Ho·Wp pixels (the wp − wo extra columns per row are computed and dropped).
 * Strided convs take a scalar loop over the same planes; 1×1 stride-1 unpadded convs skip the planes
 * and run as one panel product over all pixels of the batch. A fused max-pool is applied while the
 * planes are written back to NHWC.
 */
function sparseConv2dWasm(args: {
  inputs: SparseConv2DInputs;
  attrs: SparseConv2DAttrs;
  backend: WasmBackendLike;
}) {
  const { inputs, attrs: a, backend } = args;
  const [batch, h, w, cin] = inputs.x.shape;
  const [ho, wo] = convOutSize(a, h, w);
  const [ph, pw] = a.pool;
  const [oh, ow] = pooledSize(a, ho, wo);
  const pooling = ph !== 1 || pw !== 1;
  const cout = a.rows;
  const out = backend.makeOutput([batch, oh, ow, cout], 'float32');
  if (batch * oh * ow * cout === 0) return out;
  const [kh, kw] = [a.filterHeight, a.filterWidth];
  const [sh, sw] = a.strides;
  const [dh, dw] = a.dilations;
  const unit = sh === 1 && sw === 1;
  const hp = unit ? ho + (kh - 1) * dh : (ho - 1) * sh + (kh - 1) * dh + 1;
  const wp = unit ? wo + (kw - 1) * dw : (wo - 1) * sw + (kw - 1) * dw + 1;
  const planeTotal = cin * hp * wp + (kw - 1) * dw + 8;
  const mod = sparseModule(backendMemory(backend));
  const scratch = workspaceFor(backend);
  const unpadded = a.pad[0] === 0 && a.pad[1] === 0 && a.pad[2] === 0 && a.pad[3] === 0;
  const pointwise = kh === 1 && kw === 1 && unit && !pooling && unpadded;
  if (pointwise) {
    // A 1×1 stride-1 unpadded conv is x[pixels, cin] · Sᵀ over the whole batch: the panel kernel.
    const op = cachedOperand(mod, backend, a, inputs, PANEL_BYTES);
    const panel = scratch.alloc(cin * PANEL_WIDTH);
    const outPanel = scratch.alloc(cout * PANEL_WIDTH);
    const x = addressOf(backend, inputs.x);
    mod.spmmNk(
      kindCode(op),
      op.rowPtr,
      op.offs,
      op.vals,
      op.rows,
      op.r,
      op.c,
      cout,
      x,
      cin,
      batch * h * w,
      addressOf(backend, out),
      addressOf(backend, inputs.bias),
      activationCode(a.activation),
      panel,
      outPanel,
    );
    return out;
  }
  const geometry = { cin, kh, kw, dh, dw, hp, wp };
  let op: PreparedOperand;
  if (unit || a.format !== 'bsr') {
    op = cachedOperand(mod, backend, a, inputs, 1, geometry);
  } else {
    // Strided BSR runs as plain rows expanded from the values: rebuilt every call.
    op = prepareOperand(mod, backend, scratch, a, inputs, 1, true);
    planeOffsets(mod, op, geometry, scratch);
  }
  const planes = scratch.alloc(planeTotal);
  const outW = unit ? wp : wo;
  const outPlanes = scratch.alloc(cout * ho * outW);
  const pooled = pooling ? scratch.alloc(cout * oh * ow) : 0;
  const bias = addressOf(backend, inputs.bias);
  const act = activationCode(a.activation);
  const x = addressOf(backend, inputs.x);
  const o = addressOf(backend, out);
  for (let b = 0; b < batch; b++) {
    mod.packPlanes(x + b * h * w * cin * 4, h, w, cin, a.pad[0], a.pad[2], hp, wp, planes, planeTotal);
    if (unit) runRows(mod, op, planes, ho * wp, outPlanes, ho * wp * 4, bias, act);
    else mod.stridedRows(op.rowPtr, op.offs, op.vals, cout, planes, ho, wo, sh, sw, wp, outPlanes, bias, act);
    const dst = o + b * oh * ow * cout * 4;
    if (pooled) {
      mod.planesPool(outPlanes, cout, ho, wo, outW, ph, pw, pooled);
      mod.planesToNhwc(pooled, cout, oh, ow, ow, dst);
    } else {
      mod.planesToNhwc(outPlanes, cout, ho, wo, outW, dst);
    }
  }
  return out;
}

export const sparseConv2dWasmConfig: KernelConfig = {
  kernelName: kernelNames.SparseConv2D,
  backendName: 'wasm',
  kernelFunc: sparseConv2dWasm as unknown as KernelFunc,
};
