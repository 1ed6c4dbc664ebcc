import { EventFileError } from './errors.js';

/**
 * The subset of tensorflow.Event / Summary that TensorBoard's scalar dashboard reads:
 *   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 *   Summary { repeated Value value = 1; }   Value { string tag = 1; float simple_value = 2; }
 * Hand-written: ~80 lines instead of a protobuf runtime plus .proto files.
 */
export interface ScalarEvent {
  readonly wallTime: number;
  readonly step: number;
  readonly fileVersion?: string;
  readonly scalars?: readonly { tag: string; value: number }[];
}

class Writer {
  private readonly parts: Buffer[] = [];
  varint(n: number): this {
    const bytes: number[] = [];
    let v = n;
    while (v >= 0x80) {
      bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    bytes.push(v);
    this.parts.push(Buffer.from(bytes));
    return this;
  }
  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }
  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2).varint(data.length);
    this.parts.push(Buffer.from(data));
    return this;
  }
  double(field: number, v: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    this.tag(field, 1).parts.push(b);
    return this;
  }
  float(field: number, v: number): this {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.tag(field, 5).parts.push(b);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export function encodeEvent(e: ScalarEvent): Buffer {
  const w = new Writer().double(1, e.wallTime).tag(2, 0).varint(e.step);
  if (e.fileVersion !== undefined) w.bytes(3, Buffer.from(e.fileVersion, 'utf8'));
  if (e.scalars?.length) {
    const summary = new Writer();
    for (const s of e.scalars)
      summary.bytes(1, new Writer().bytes(1, Buffer.from(s.tag, 'utf8')).float(2, s.value).done());
    w.bytes(5, summary.done());
  }
  return w.done();
}

/** Field-by-field reader; skips fields it does not know, as protobuf readers must. */
function* fields(buf: Buffer): Generator<{ field: number; wire: number; value: number | Buffer }> {
  let at = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      if (at >= buf.length) throw new EventFileError('protobuf varint runs past the end of the message.');
      const b = buf[at++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 0x80;
    }
  };
  while (at < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) yield { field, wire, value: varint() };
    else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (at + n > buf.length) throw new EventFileError('protobuf fixed field runs past the end.');
      const start = at;
      at += n;
      yield { field, wire, value: buf.subarray(start, at) };
    } else if (wire === 2) {
      const n = varint();
      if (at + n > buf.length) throw new EventFileError('protobuf length-delimited field runs past the end.');
      const start = at;
      at += n;
      yield { field, wire, value: buf.subarray(start, at) };
    } else throw new EventFileError(`protobuf wire type ${wire} is not supported.`);
  }
}

export function decodeEvent(buf: Buffer): ScalarEvent {
  let wallTime = 0;
  let step = 0;
  let fileVersion: string | undefined;
  const scalars: { tag: string; value: number }[] = [];
  for (const f of fields(buf)) {
    if (f.field === 1 && f.wire === 1) wallTime = (f.value as Buffer).readDoubleLE(0);
    else if (f.field === 2 && f.wire === 0) step = f.value as number;
    else if (f.field === 3 && f.wire === 2) fileVersion = (f.value as Buffer).toString('utf8');
    else if (f.field === 5 && f.wire === 2) {
      for (const v of fields(f.value as Buffer)) {
        if (v.field !== 1 || v.wire !== 2) continue;
        let tag = '';
        let value = Number.NaN;
        for (const x of fields(v.value as Buffer)) {
          if (x.field === 1 && x.wire === 2) tag = (x.value as Buffer).toString('utf8');
          else if (x.field === 2 && x.wire === 5) value = (x.value as Buffer).readFloatLE(0);
        }
        scalars.push({ tag, value });
      }
    }
  }
  return { wallTime, step, fileVersion, scalars };
}
