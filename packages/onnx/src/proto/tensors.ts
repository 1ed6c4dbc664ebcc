import { ModelFormatError } from '@prunekit/core';
import { num, onnx, type TensorProto } from './onnx.js';

const T = onnx.TensorProto.DataType;

/** Element types prunekit reads and writes (others stay untouched in the model). */
export const dtypeNames: Readonly<Record<number, string>> = {
  [T.FLOAT]: 'float32',
  [T.DOUBLE]: 'float64',
  [T.INT64]: 'int64',
  [T.INT32]: 'int32',
  [T.INT8]: 'int8',
  [T.UINT8]: 'uint8',
  [T.BOOL]: 'bool',
};

/** Element types whose initializers become parameters (weights) of the IR. */
export const FLOAT_TYPES: ReadonlySet<number> = new Set([T.FLOAT, T.DOUBLE]);
export const INT_TYPES: ReadonlySet<number> = new Set([T.INT64, T.INT32, T.INT8, T.UINT8, T.BOOL]);

export const dimsOf = (t: TensorProto): number[] => (t.dims ?? []).map(num);

function view(raw: Uint8Array): DataView {
  return new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
}

/**
 * The values of a tensor as float64-safe numbers in a typed array: float types as Float32Array,
 * integer types as a plain number array. External data is refused with the tensor named.
 */
export function tensorValues(t: TensorProto, where: string): Float32Array | number[] {
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new ModelFormatError(
      'E_MODEL_FORMAT',
      `Tensor '${t.name}' (${where}) keeps its data in an external file; save the model with its data inside (onnx.save(model, path, save_as_external_data=False)).`,
      { tensor: t.name },
    );
  }
  const n = dimsOf(t).reduce((a, d) => a * d, 1);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  const type = t.dataType ?? 0;
  switch (type) {
    case T.FLOAT: {
      if (raw) {
        const v = view(raw);
        return Float32Array.from({ length: n }, (_, i) => v.getFloat32(i * 4, true));
      }
      return Float32Array.from(t.floatData ?? []);
    }
    case T.DOUBLE: {
      if (raw) {
        const v = view(raw);
        return Float32Array.from({ length: n }, (_, i) => v.getFloat64(i * 8, true));
      }
      return Float32Array.from(t.doubleData ?? []);
    }
    case T.INT64: {
      if (raw) {
        const v = view(raw);
        return Array.from({ length: n }, (_, i) => Number(v.getBigInt64(i * 8, true)));
      }
      return (t.int64Data ?? []).map(num);
    }
    case T.INT32:
    case T.INT8:
    case T.UINT8:
    case T.BOOL: {
      if (raw) {
        const v = view(raw);
        if (type === T.INT32) return Array.from({ length: n }, (_, i) => v.getInt32(i * 4, true));
        if (type === T.INT8) return Array.from({ length: n }, (_, i) => v.getInt8(i));
        return Array.from({ length: n }, (_, i) => v.getUint8(i));
      }
      return [...(t.int32Data ?? [])];
    }
    default:
      throw new ModelFormatError(
        'E_MODEL_FORMAT',
        `Tensor '${t.name}' (${where}) has ONNX element type ${type}, which prunekit does not read (float, double, int64, int32, int8, uint8, bool).`,
        { tensor: t.name, dataType: type },
      );
  }
}

/**
 * A new TensorProto of `type` (the original's element type is kept) holding `values`, as raw data
 * (little-endian, as ONNX stores raw data; FLOAT16 takes the half bit patterns).
 */
export function makeTensor(
  name: string,
  type: number,
  dims: readonly number[],
  values: ArrayLike<number>,
): TensorProto {
  let raw: Uint8Array;
  switch (type) {
    case T.FLOAT: {
      raw = new Uint8Array(Float32Array.from(values).buffer);
      break;
    }
    case T.DOUBLE:
      raw = new Uint8Array(Float64Array.from(values).buffer);
      break;
    case T.INT64:
      raw = new Uint8Array(BigInt64Array.from(Array.from(values, (x) => BigInt(Math.round(x)))).buffer);
      break;
    case T.INT32:
      raw = new Uint8Array(Int32Array.from(values).buffer);
      break;
    case T.INT8:
      raw = new Uint8Array(Int8Array.from(values).buffer);
      break;
    case T.UINT8:
    case T.BOOL:
      raw = Uint8Array.from(values);
      break;
    case T.FLOAT16: // `values` are the IEEE half bit patterns
    case T.UINT16:
      raw = new Uint8Array(Uint16Array.from(values).buffer);
      break;
    default:
      throw new ModelFormatError(
        'E_MODEL_FORMAT',
        `Cannot write tensor '${name}' of ONNX element type ${type}.`,
        {
          tensor: name,
        },
      );
  }
  return onnx.TensorProto.create({ name, dataType: type, dims: [...dims], rawData: raw });
}
