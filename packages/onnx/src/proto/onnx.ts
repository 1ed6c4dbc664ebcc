import { ModelFormatError } from '@prunekit/core';
import onnxProto from 'onnx-proto';

/** The official onnx.proto (ONNX 1.10, IR 8) compiled by protobufjs, as the onnx-proto package ships it. */
export const onnx = onnxProto.onnx;
export type ModelProto = onnxProto.onnx.ModelProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

/** A protobuf int64 as a number (protobufjs gives Long objects when the `long` package is present). */
export function num(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** Decodes an ONNX file's bytes; `label` names the file in errors. */
export function decodeModel(bytes: Uint8Array, label = 'ONNX model'): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new ModelFormatError(
      'E_MODEL_FORMAT',
      `${label} is not an ONNX ModelProto (${(e as Error).message}). Pass the bytes of a .onnx file.`,
      { file: label },
    );
  }
  if (!model.graph) {
    throw new ModelFormatError('E_MODEL_FORMAT', `${label} has no graph: not an ONNX model.`, {
      file: label,
    });
  }
  return model;
}

/** Encodes a model to the bytes of an .onnx file. */
export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** The opset version of the default ('' / 'ai.onnx') domain. */
export function defaultOpset(model: ModelProto): number {
  const o = model.opsetImport.find((i) => !i.domain || i.domain === 'ai.onnx');
  return o ? num(o.version) : 1;
}

/** An attribute value as the writers give it: int, ints, string, or `{ f }` for a float. */
export type AttrValue = number | number[] | string | { f: number };

/** An AttributeProto from a plain value (the writer's side of `plainAttr`). */
export function attributeProto(name: string, v: AttrValue): AttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: A.INT, i: v };
  if (typeof v === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: A.INTS, ints: v };
  return { name, type: A.FLOAT, f: v.f };
}
