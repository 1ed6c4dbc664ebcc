import { type AttributeProto, num, onnx } from '../proto/onnx.js';

const A = onnx.AttributeProto.AttributeType;
const utf8 = new TextDecoder();

/** A node attribute as a plain value: numbers, strings, or lists of them (tensors and graphs are left out). */
export function plainAttr(a: AttributeProto): unknown {
  switch (a.type) {
    case A.FLOAT:
      return a.f ?? 0;
    case A.INT:
      return num(a.i);
    case A.STRING:
      return utf8.decode(a.s ?? new Uint8Array());
    case A.FLOATS:
      return [...(a.floats ?? [])];
    case A.INTS:
      return (a.ints ?? []).map(num);
    case A.STRINGS:
      return (a.strings ?? []).map((s) => utf8.decode(s));
    default:
      return undefined;
  }
}

export function plainAttrs(attrs: readonly AttributeProto[] | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of attrs ?? []) {
    const v = plainAttr(a);
    if (v !== undefined && a.name) out[a.name] = v;
  }
  return out;
}
