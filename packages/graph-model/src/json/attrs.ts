import type { AttrValue, NodeDef } from './model_json.js';

/** Decodes protobuf-JSON bytes (base64) to text, as the converter writes string attributes. */
function text(b64: string): string {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

const attr = (node: NodeDef, key: string): AttrValue | undefined => node.attr?.[key];

export function attrString(node: NodeDef, key: string, fallback = ''): string {
  const v = attr(node, key)?.s;
  return v === undefined ? fallback : text(v);
}

export function attrInt(node: NodeDef, key: string, fallback = 0): number {
  const v = attr(node, key)?.i;
  return v === undefined ? fallback : Number(v);
}

export function attrFloat(node: NodeDef, key: string, fallback = 0): number {
  return attr(node, key)?.f ?? fallback;
}

export function attrBool(node: NodeDef, key: string, fallback = false): boolean {
  return attr(node, key)?.b ?? fallback;
}

export function attrInts(node: NodeDef, key: string): number[] {
  return (attr(node, key)?.list?.i ?? []).map(Number);
}

export function attrStrings(node: NodeDef, key: string): string[] {
  return (attr(node, key)?.list?.s ?? []).map(text);
}

/** Placeholder / Const shape as numbers (-1 = unknown). */
export function dimsOf(dims: { size?: string | number }[] | undefined): number[] {
  return (dims ?? []).map((d) => (d.size === undefined ? 0 : Number(d.size)));
}

/** A node input reference 'name', 'name:1' or '^name' split into producer and output index. */
export function parseInput(ref: string): { node: string; index: number; control: boolean } {
  if (ref.startsWith('^')) return { node: ref.slice(1), index: 0, control: true };
  const m = /^(.*):(\d+)$/.exec(ref);
  return m ? { node: m[1], index: Number(m[2]), control: false } : { node: ref, index: 0, control: false };
}

/** The tensor name tfjs uses for output `index` of `node` ('n' for 0, 'n:1' otherwise). */
export function tensorName(node: string, index: number): string {
  return index === 0 ? node : `${node}:${index}`;
}

/** Attributes as plain values, for GraphNode.config and reports. */
export function plainAttrs(node: NodeDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node.attr ?? {})) {
    if (k.startsWith('_') || k === 'value') continue;
    if (v.s !== undefined) out[k] = text(v.s);
    else if (v.i !== undefined) out[k] = Number(v.i);
    else if (v.f !== undefined) out[k] = v.f;
    else if (v.b !== undefined) out[k] = v.b;
    else if (v.type !== undefined) out[k] = v.type;
    else if (v.list) {
      const l = v.list;
      out[k] = l.s ? l.s.map(text) : l.i ? l.i.map(Number) : (l.f ?? l.b ?? l.type ?? []);
    } else if (v.shape) out[k] = dimsOf(v.shape.dim);
  }
  return out;
}
