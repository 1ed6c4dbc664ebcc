// A pool worker: instantiates the sparse kernel module (build/sparse*.wasm) on its own memory,
// keeps its slices of sparse weights there, and runs one command at a time on activations passed
// through a SharedArrayBuffer. Commands arrive through Int32 slots of a shared control block
// (Atomics.wait / notify); larger messages (the data buffer, weights) through its MessagePort, read
// synchronously with receiveMessageOnPort while the main thread waits. Plain JS so that Node can
// start it without a TypeScript loader; the slot layout comes in workerData (see protocol.ts) and
// the panel geometry with each command, so this file knows neither.
import { receiveMessageOnPort, workerData } from 'node:worker_threads';

const { module, port, control, index, block, slots, cmds, formats } = workerData;
const ctl = new Int32Array(control, index * block * 4, block);
// Addresses below BASE stay unused: 0 means "no bias" to the kernels.
const BASE = 1024;

const memory = new WebAssembly.Memory({ initial: 16 });
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
/** @type {SharedArrayBuffer | undefined} */
let data;
/** id → { slice, at: { rowPtr, indices, values, bias } } */
const weights = new Map();
let arenaEnd = BASE;
let top = BASE;

const align = (n) => (n + 15) & ~15;

function reserve(end) {
  const need = end - memory.buffer.byteLength;
  if (need > 0) memory.grow(Math.ceil(need / 65536));
}

/** Scratch for one command, above the weights: `count` 4-byte slots plus 16 bytes of slack. */
function alloc(count) {
  const p = top;
  top = align(top + Math.max(4, count) * 4 + 16);
  reserve(top);
  return p;
}

function put(src) {
  const p = alloc(src.length);
  new Uint8Array(memory.buffer, p, src.byteLength).set(
    new Uint8Array(src.buffer, src.byteOffset, src.byteLength),
  );
  return p;
}

/** Lays every kept slice out again from BASE (loads and drops are rare: once per layer). */
function relayout() {
  top = BASE;
  for (const w of weights.values()) {
    const s = w.slice;
    w.at = {
      rowPtr: put(s.rowPtr),
      indices: put(s.indices),
      values: put(s.values),
      bias: s.bias.length ? put(s.bias) : 0,
    };
  }
  arenaEnd = top;
}

function drain() {
  let changed = false;
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    const msg = m.message;
    if (msg.type === 'data') data = msg.buffer;
    else if (msg.type === 'load') {
      weights.set(msg.id, { slice: msg.slice, at: undefined });
      changed = true;
    } else if (msg.type === 'drop') changed = weights.delete(msg.id) || changed;
  }
  if (changed) relayout();
}

function weight(id) {
  const w = weights.get(id);
  if (!w) throw new Error(`prunekit thread ${index}: no weights with id ${id} (were they dropped?)`);
  return w;
}

/**
 * The slice as the row kernels want it (as src/sparse/operand.ts prepares it on the main thread):
 * byte offsets per stored column entry (`mult` bytes per column) and, for N:M, row pointers.
 */
function prepare(w, mult) {
  const s = w.slice;
  const count = s.indices.length;
  if (s.format === formats.csr) {
    const offs = alloc(count);
    k.csrOffsets(w.at.indices, count, mult, offs);
    return { kind: 0, rowPtr: w.at.rowPtr, offs, entries: count };
  }
  if (s.format === formats.nm) {
    const offs = alloc(count);
    const rowPtr = alloc(s.units + 1);
    k.nmOffsets(w.at.indices, s.units, s.perRow, s.n, s.m, mult, offs, rowPtr);
    return { kind: 2, rowPtr, offs, entries: count };
  }
  const offs = alloc(count * s.blockCols);
  k.bsrOffsets(w.at.indices, count, s.blockCols, mult, offs);
  return { kind: 1, rowPtr: w.at.rowPtr, offs, entries: count * s.blockCols };
}

/** Output rows of a slice (block rows times their height for BSR). */
const outRows = (s) => (s.format === formats.bsr ? s.units * s.blockRows : s.units);

function copyIn(off, bytes) {
  const p = alloc(bytes / 4);
  new Uint8Array(memory.buffer, p, bytes).set(new Uint8Array(data, off, bytes));
  return p;
}

function copyOut(p, bytes, off) {
  new Uint8Array(data, off, bytes).set(new Uint8Array(memory.buffer, p, bytes));
}

function runKn(a) {
  const [id, xOff, kk, n, outOff, act, mult, width] = a;
  const w = weight(id);
  const s = w.slice;
  const op = prepare(w, mult);
  const x = copyIn(xOff, kk * n * 4);
  const panel = alloc(kk * width);
  const bytes = outRows(s) * n * 4;
  const out = alloc(bytes / 4);
  k.spmmKn(
    op.kind,
    op.rowPtr,
    op.offs,
    w.at.values,
    s.units,
    s.blockRows,
    s.blockCols,
    x,
    kk,
    n,
    out,
    w.at.bias,
    act,
    panel,
  );
  copyOut(out, bytes, outOff);
}

function runNk(a) {
  const [id, xOff, kk, n, m, outOff, act, mult, width] = a;
  const w = weight(id);
  const s = w.slice;
  const op = prepare(w, mult);
  const x = copyIn(xOff, n * kk * 4);
  const panel = alloc(kk * width);
  const outPanel = alloc(m * width);
  const out = alloc(n * m);
  k.spmmNk(
    op.kind,
    op.rowPtr,
    op.offs,
    w.at.values,
    s.units,
    s.blockRows,
    s.blockCols,
    m,
    x,
    kk,
    n,
    out,
    w.at.bias,
    act,
    panel,
    outPanel,
  );
  copyOut(out, n * m * 4, outOff);
}

function runConv(a) {
  const [id, planesOff, planeFloats, cin, kh, kw, dh, dw, hp, wp, len, outOff, act] = a;
  const w = weight(id);
  const s = w.slice;
  const op = prepare(w, 1);
  k.convOffsets(op.offs, op.entries, cin, kh, kw, dh, dw, hp, wp, alloc(kh * kw * cin));
  const planes = copyIn(planesOff, planeFloats * 4);
  const bytes = outRows(s) * len * 4;
  const out = alloc(bytes / 4);
  if (op.kind === 1) {
    k.bsrRows(
      op.rowPtr,
      op.offs,
      w.at.values,
      s.units,
      s.blockRows,
      s.blockCols,
      planes,
      len,
      out,
      len * 4,
      w.at.bias,
      act,
    );
  } else {
    k.csrRows(op.rowPtr, op.offs, w.at.values, s.units, planes, len, out, len * 4, w.at.bias, act);
  }
  copyOut(out, bytes, outOff);
}

const runners = { [cmds.kn]: runKn, [cmds.nk]: runNk, [cmds.conv]: runConv };

let seen = 0;
for (;;) {
  Atomics.wait(ctl, slots.seq, seen);
  seen = Atomics.load(ctl, slots.seq);
  const cmd = ctl[slots.cmd];
  let status = 0;
  try {
    top = arenaEnd;
    if (cmd === cmds.messages) drain();
    else if (cmd !== cmds.quit) runners[cmd](Array.from(ctl.subarray(slots.args)));
  } catch (e) {
    status = 1;
    port.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
  Atomics.store(ctl, slots.status, status);
  Atomics.store(ctl, slots.done, seen);
  Atomics.notify(ctl, slots.done);
  if (cmd === cmds.quit) break;
}
port.close();
