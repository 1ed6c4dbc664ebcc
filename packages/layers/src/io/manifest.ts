import { ModelFormatError } from '@prunekit/core';

/** One weight of a weights manifest group, as tfjs writes it. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
}

/** One weights-manifest group of a model.json: the shard paths and the weights they hold. */
export interface ManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** The parts of model.json that loading needs, checked. */
export interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: Record<string, unknown>;
  weightsManifest: ManifestGroup[];
  trainingConfig?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
}

const DTYPE_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

function fail(file: string, field: string, what: string): never {
  throw new ModelFormatError(
    'E_MODEL_FORMAT',
    `${file}: field '${field}' ${what}. Write the model with tfjs model.save() or prunekit saveModel().`,
    { file, field },
  );
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

function checkSpec(file: string, field: string, w: unknown): WeightSpec {
  if (!isObject(w)) fail(file, field, 'is not an object');
  if (typeof w.name !== 'string' || w.name === '') fail(file, `${field}.name`, 'is missing');
  const shape = w.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    fail(file, `${field}.shape`, 'is not a list of non-negative integers');
  }
  if (typeof w.dtype !== 'string' || !['float32', 'int32', 'bool'].includes(w.dtype)) {
    fail(
      file,
      `${field}.dtype`,
      `is ${JSON.stringify(w.dtype)}; only float32, int32 and bool weights are supported`,
    );
  }
  if (w.quantization !== undefined) {
    const q = w.quantization;
    if (!isObject(q) || !['uint8', 'uint16', 'float16'].includes(q.dtype as string)) {
      fail(file, `${field}.quantization.dtype`, 'must be uint8, uint16 or float16');
    }
  }
  return w as unknown as WeightSpec;
}

/** Parses and checks model.json text; errors name the file and the field. */
export function parseModelJson(
  text: string,
  file: string,
  format: 'layers-model' | 'graph-model' = 'layers-model',
): ModelJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ModelFormatError(
      'E_MODEL_FORMAT',
      `${file} is not valid JSON (${(e as Error).message}). Re-export the model; the file may be truncated.`,
      { file, field: '(json)' },
    );
  }
  if (!isObject(raw)) fail(file, '(root)', 'is not a JSON object');
  if (format === 'layers-model' && raw.format !== undefined && raw.format !== 'layers-model') {
    fail(
      file,
      'format',
      `is ${JSON.stringify(raw.format)}; loadModel reads 'layers-model' files only (read 'graph-model' files with @prunekit/graph-model's loadGraphModelFile)`,
    );
  }
  if (format === 'graph-model' && raw.format !== 'graph-model') {
    fail(file, 'format', `is ${JSON.stringify(raw.format)}; expected 'graph-model'`);
  }
  if (!isObject(raw.modelTopology)) fail(file, 'modelTopology', 'is missing or not an object');
  if (!Array.isArray(raw.weightsManifest)) fail(file, 'weightsManifest', 'is missing or not a list');
  const groups = raw.weightsManifest.map((g, i): ManifestGroup => {
    const field = `weightsManifest[${i}]`;
    if (!isObject(g)) fail(file, field, 'is not an object');
    if (!Array.isArray(g.paths) || !g.paths.every((p) => typeof p === 'string' && p !== '')) {
      fail(file, `${field}.paths`, 'is not a list of file names');
    }
    if (!Array.isArray(g.weights)) fail(file, `${field}.weights`, 'is missing or not a list');
    return {
      paths: g.paths as string[],
      weights: g.weights.map((w, j) => checkSpec(file, `${field}.weights[${j}]`, w)),
    };
  });
  const seen = new Map<string, string>();
  for (const [i, g] of groups.entries()) {
    for (const [j, w] of g.weights.entries()) {
      const field = `weightsManifest[${i}].weights[${j}].name`;
      const first = seen.get(w.name);
      if (first)
        fail(file, field, `repeats the weight name '${w.name}' of ${first} (which one loads is undefined)`);
      seen.set(w.name, field);
    }
  }
  return { ...(raw as unknown as ModelJson), weightsManifest: groups };
}

/** Bytes one weight takes in a shard. */
export function specBytes(spec: WeightSpec): number {
  const n = spec.shape.reduce((a, d) => a * d, 1);
  return n * DTYPE_BYTES[spec.quantization?.dtype ?? spec.dtype];
}
