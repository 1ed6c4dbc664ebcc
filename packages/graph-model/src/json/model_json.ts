/**
 * The parts of a tfjs graph-model model.json prunekit reads: a TensorFlow GraphDef written as JSON
 * (nodes with op, inputs and attributes) plus the weights manifest. Field spellings follow what the
 * tfjs converter writes (protobuf JSON: int64 as strings, bytes as base64).
 */
export interface AttrValue {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  shape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
  tensor?: { dtype?: string; tensorShape?: { dim?: { size?: string | number }[] } };
  list?: { s?: string[]; i?: (string | number)[]; f?: number[]; b?: boolean[]; type?: string[] };
  func?: unknown;
}

/** One node of a graph model's GraphDef as model.json stores it: name, op, inputs and attributes. */
export interface NodeDef {
  name: string;
  op: string;
  input?: string[];
  device?: string;
  attr?: Record<string, AttrValue>;
}

export interface GraphDefJson {
  node: NodeDef[];
  library?: { function?: unknown[] };
  versions?: Record<string, unknown>;
}

export interface TensorInfoJson {
  name: string;
  dtype?: string;
  tensorShape?: { dim?: { size?: string | number }[] };
}

/** The model.json of a tfjs graph model: its topology (GraphDef), weights manifest and signature. */
export interface GraphModelJson {
  format: 'graph-model';
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: { inputs?: Record<string, TensorInfoJson>; outputs?: Record<string, TensorInfoJson> };
  modelTopology: GraphDefJson;
  weightsManifest: { paths: string[]; weights: ManifestWeight[] }[];
  userDefinedMetadata?: Record<string, unknown>;
  modelInitializer?: unknown;
}

/** How a manifest weight is quantized (tfjs-converter): uint8/uint16 with scale and min, or float16. */
export interface Quantization {
  dtype: 'uint8' | 'uint16' | 'float16';
  scale?: number;
  min?: number;
  original_dtype?: string;
}

/** One weight of a model.json weights manifest: name, shape, dtype and optional quantization. */
export interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
  quantization?: Quantization;
}
