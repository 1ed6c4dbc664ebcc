// A pool worker: instantiates the sparse kernel module (build/sparse*.wasm) on its own memory,
// keeps copies of sparse operands there, and takes chunks of the current job (see protocol.ts)
// until none are left: activations come from, and results go to, a SharedArrayBuffer. Rare
// commands arrive on its command block; larger messages (the data buffer, weights) through its
// MessagePort, read synchronously with receiveMessageOnPort while the main thread waits. Plain JS so
// that Node can start it without a TypeScript loader; the slot layout comes in workerData and the
// panel geometry with each job, so this file holds neither.
import { receiveMessageOnPort, workerData } from 'node:worker_threads';

const { module, port, jobBuffer, commandBuffer, index, layout } = workerData;
const { JOB, SLOTS, BLOCK, CMD, FORMAT, TAG_SHIFT } = layout;
const job = new Int32Array(jobBuffer);
const ctl = new Int32Array(commandBuffer, index * BLOCK * 4, BLOCK);
const NEXT_MASK = (1 << TAG_SHIFT) - 1;
// Addresses below BASE stay unused: 0 means "no bias" to the kernels.
const BASE = 1024;

const memory = new WebAssembly.Memory({ initial: 16 });
const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
/** @type {SharedArrayBuffer | undefined} */
let data;
/** id → { s: WeightSlice, at: addresses of its arrays in memory, prepared: offset tables by geometry } */
const weights = new Map();
let arenaEnd = BASE;
let top = BASE;

const align = (n) => (n + 15) & ~15;

/** `count` 4-byte slots (plus 16 bytes of slack for vector loads) above the weights. */
function alloc(count) {
  const p = top;
  top = align(top + Math.max(4, count) * 4 + 16);
  const need = top - memory.buffer.byteLength;
  if (need > 0) memory.grow(Math.ceil(need / 65536));
  return p;
}

function put(src) {
  const p = alloc(src.length);
  new Uint8Array(memory.buffer, p, src.byteLength).set(
    new Uint8Array(src.buffer, src.byteOffset, src.byteLength),
  );
  return p;
}

/** Lays every kept operand out again from BASE (loads and drops are rare: once per layer). */
function relayout() {
  top = BASE;
  for (const w of weights.values()) {
    const { s } = w;
    w.at = {
      rowPtr: put(s.rowPtr),
      indices: put(s.indices),
      values: put(s.values),
      bias: s.bias.length ? put(s.bias) : 0,
    };
  }
  arenaEnd = top;
}

function readMessages() {
  let changed = false;
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    const msg = m.message;
    if (msg.type === 'data') data = msg.buffer;
    else if (msg.type === 'load') {
      weights.set(msg.id, { s: msg.slice, at: undefined, prepared: new Map() });
      changed = true;
    } else if (msg.type === 'drop') changed = weights.delete(msg.id) || changed;
  }
  if (changed) relayout();
}

function copyIn(off, bytes) {
  const p = alloc(bytes / 4);
  new Uint8Array(memory.buffer, p, bytes).set(new Uint8Array(data, off, bytes));
  return p;
}

function copyOut(p, bytes, off) {
  new Uint8Array(data, off, bytes).set(new Uint8Array(memory.buffer, p, bytes));
}

/**
 * The operand as the row kernels want it (as src/sparse/operand.ts prepares it on the main thread):
 * byte offsets per stored column entry (`mult` bytes per column; for convs rewritten into plane
 * offsets) and, for N:M, row pointers. Kept per operand and geometry in the arena until the next
 * relayout, so a layer called again pays nothing for them; called first in a job's set-up, while
 * `top` is still the arena's end.
 */
function prepared(w, mult, conv) {
  const key = conv ? `${mult}|${conv.join(' ')}` : `${mult}`;
  const kept = w.prepared.get(key);
  if (kept) return kept;
  const { s, at } = w;
  const count = s.indices.length;
  let op;
  if (s.format === FORMAT.csr) {
    const offs = alloc(count);
    k.csrOffsets(at.indices, count, mult, offs);
    op = { kind: 0, rowPtr: at.rowPtr, offs, vals: at.values, entries: count };
  } else if (s.format === FORMAT.nm) {
    const offs = alloc(count);
    const rowPtr = alloc(s.units + 1);
    k.nmOffsets(at.indices, s.units, s.perRow, s.n, s.m, mult, offs, rowPtr);
    op = { kind: 2, rowPtr, offs, vals: at.values, entries: count };
  } else {
    const offs = alloc(count * s.blockCols);
    k.bsrOffsets(at.indices, count, s.blockCols, mult, offs);
    op = { kind: 1, rowPtr: at.rowPtr, offs, vals: at.values, entries: count * s.blockCols };
  }
  if (conv) {
    const [cin, kh, kw, dh, dw, hp, wp] = conv;
    const table = top;
    k.convOffsets(op.offs, op.entries, cin, kh, kw, dh, dw, hp, wp, alloc(kh * kw * cin));
    top = table;
  }
  arenaEnd = top;
  w.prepared.set(key, op);
  return op;
}

/**
 * Units (rows, BSR block rows) [u0, …) of a prepared operand: row pointers hold absolute entry
 * numbers for CSR/BSR, so their pointer moves; N:M kernels count entries from the first row, so
 * offsets and values move instead.
 */
function from(op, s, u0) {
  if (op.kind !== 2) return { ...op, rowPtr: op.rowPtr + u0 * 4 };
  const e = u0 * s.perRow * 4;
  return { ...op, offs: op.offs + e, vals: op.vals + e };
}

const height = (s) => (s.format === FORMAT.bsr ? s.blockRows : 1);
const biasFrom = (w, u0) => (w.at.bias ? w.at.bias + u0 * height(w.s) * 4 : 0);

/** Per-job set-up (inputs copied in, offsets computed) and the per-chunk work, per command. */
const jobs = {
  [CMD.kn](a, cuts) {
    const [id, xOff, kk, n, outOff, act, mult, width] = a;
    const w = weight(id);
    const op = prepared(w, mult);
    const x = copyIn(xOff, kk * n * 4);
    const panel = alloc(kk * width);
    const out = alloc(maxSpan(cuts) * height(w.s) * n);
    return (u0, u1) => {
      const o = from(op, w.s, u0);
      k.spmmKn(
        op.kind,
        o.rowPtr,
        o.offs,
        o.vals,
        u1 - u0,
        w.s.blockRows,
        w.s.blockCols,
        x,
        kk,
        n,
        out,
        biasFrom(w, u0),
        act,
        panel,
      );
      const rowBytes = height(w.s) * n * 4;
      copyOut(out, (u1 - u0) * rowBytes, outOff + u0 * rowBytes);
    };
  },
  [CMD.nk](a, cuts) {
    const [id, xOff, kk, , m, outOff, act, mult, width] = a;
    const w = weight(id);
    const op = prepared(w, mult);
    const span = maxSpan(cuts);
    const x = alloc(span * kk);
    const panel = alloc(kk * width);
    const outPanel = alloc(m * width);
    const out = alloc(span * m);
    return (j0, j1) => {
      const len = j1 - j0;
      new Uint8Array(memory.buffer, x, len * kk * 4).set(
        new Uint8Array(data, xOff + j0 * kk * 4, len * kk * 4),
      );
      k.spmmNk(
        op.kind,
        op.rowPtr,
        op.offs,
        op.vals,
        w.s.units,
        w.s.blockRows,
        w.s.blockCols,
        m,
        x,
        kk,
        len,
        out,
        w.at.bias,
        act,
        panel,
        outPanel,
      );
      copyOut(out, len * m * 4, outOff + j0 * m * 4);
    };
  },
  [CMD.conv](a, cuts) {
    const [id, planesOff, planeFloats, cin, kh, kw, dh, dw, hp, wp, len, outOff, act] = a;
    const w = weight(id);
    const op = prepared(w, 1, [cin, kh, kw, dh, dw, hp, wp]);
    const planes = copyIn(planesOff, planeFloats * 4);
    const out = alloc(maxSpan(cuts) * height(w.s) * len);
    return (u0, u1) => {
      const o = from(op, w.s, u0);
      const bias = biasFrom(w, u0);
      if (op.kind === 1) {
        k.bsrRows(
          o.rowPtr,
          o.offs,
          o.vals,
          u1 - u0,
          w.s.blockRows,
          w.s.blockCols,
          planes,
          len,
          out,
          len * 4,
          bias,
          act,
        );
      } else {
        k.csrRows(o.rowPtr, o.offs, o.vals, u1 - u0, planes, len, out, len * 4, bias, act);
      }
      const rowBytes = height(w.s) * len * 4;
      copyOut(out, (u1 - u0) * rowBytes, outOff + u0 * rowBytes);
    };
  },
};

function weight(id) {
  const w = weights.get(id);
  if (!w) throw new Error(`thread ${index}: no operand with id ${id} (was it dropped?)`);
  return w;
}

function maxSpan(cuts) {
  let m = 0;
  for (let c = 1; c < cuts.length; c++) m = Math.max(m, cuts[c] - cuts[c - 1]);
  return m;
}

function fail(e) {
  port.postMessage({ error: e instanceof Error ? e.message : String(e) });
  Atomics.store(job, JOB.failed, 1);
}

let serial = -1;
let chunk;
let cuts;

/** Takes chunks of the current job until none are left. */
function work() {
  for (;;) {
    const word = Atomics.load(job, JOB.word);
    const next = word & NEXT_MASK;
    // The count read here belongs to this word's job unless the word changes, and then the CAS fails.
    if (next >= job[JOB.count]) return;
    if (Atomics.compareExchange(job, JOB.word, word, word + 1) !== word) continue;
    // A claimed chunk keeps its job open, so the job's arguments cannot change under us now.
    try {
      const s = job[JOB.serial];
      if (s !== serial) {
        serial = s;
        chunk = undefined;
        top = arenaEnd;
        cuts = Array.from(job.subarray(JOB.cuts, JOB.cuts + job[JOB.count] + 1));
        chunk = jobs[job[JOB.cmd]](Array.from(job.subarray(JOB.args, JOB.cuts)), cuts);
      }
      chunk(cuts[next], cuts[next + 1]);
    } catch (e) {
      fail(e);
    }
    Atomics.add(job, JOB.completed, 1);
    Atomics.notify(job, JOB.completed);
  }
}

let woken = 0;
for (;;) {
  Atomics.wait(job, JOB.wake, woken);
  woken = Atomics.load(job, JOB.wake);
  const seq = Atomics.load(ctl, SLOTS.seq);
  if (seq !== ctl[SLOTS.done]) {
    const cmd = ctl[SLOTS.cmd];
    let status = 0;
    try {
      if (cmd === CMD.messages) readMessages();
    } catch (e) {
      status = 1;
      port.postMessage({ error: e instanceof Error ? e.message : String(e) });
    }
    // Weights moved: a job prepared before must be prepared again.
    serial = -1;
    Atomics.store(ctl, SLOTS.status, status);
    Atomics.store(ctl, SLOTS.done, seq);
    Atomics.notify(ctl, SLOTS.done);
    if (cmd === CMD.quit) break;
  }
  work();
}
port.close();
