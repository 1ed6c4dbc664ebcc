/**
 * Typed errors. Every error prunekit throws on bad input is a PrunekitError with a stable `code`,
 * names what was wrong (file, layer, field) and says what to do about it.
 */
export type ErrorCode =
  | 'E_INVALID_ARGUMENT'
  | 'E_MODEL_FORMAT'
  | 'E_MODEL_NOT_FOUND'
  | 'E_WEIGHTS_MISMATCH'
  | 'E_PATH_ESCAPE'
  | 'E_NON_FINITE'
  | 'E_UNSUPPORTED_LAYER'
  | 'E_UNKNOWN_LAYER'
  | 'E_SHAPE'
  | 'E_KERNEL'
  | 'E_BACKEND'
  | 'E_CHECKPOINT'
  | 'E_FORMAT'
  | 'E_SCHEDULE'
  | 'E_PRUNE'
  | 'E_UNSAFE'
  | 'E_QUEUE_URL'
  | 'E_QUEUE_UNAVAILABLE'
  | 'E_CONTENT_MISMATCH'
  | 'E_TRIAL'
  | 'E_OUTPUT'
  | 'E_OUTPUT_EXISTS'
  | 'E_INPUT_PROTECTED';

/** Base of every prunekit error: a stable `code` (E_SHAPE, E_BACKEND, …) and `details` naming the file, layer, op or field involved. */
export class PrunekitError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** A value passed to a prunekit API is out of range or of the wrong kind. */
export class InvalidArgumentError extends PrunekitError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('E_INVALID_ARGUMENT', message, details);
  }
}

/** A model file (model.json, weights manifest, shard) is missing, malformed or inconsistent. */
export class ModelFormatError extends PrunekitError {
  constructor(
    code: 'E_MODEL_FORMAT' | 'E_MODEL_NOT_FOUND' | 'E_WEIGHTS_MISMATCH' | 'E_PATH_ESCAPE',
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
  }
}

/** Weights hold NaN or Infinity. */
export class NonFiniteError extends PrunekitError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('E_NON_FINITE', message, details);
  }
}

/**
 * A layer class (or graph op) prunekit has no spec for, or refuses. The message says why, how to
 * keep the node out of pruning, and how to register a spec.
 */
export class UnsupportedLayerError extends PrunekitError {
  constructor(layer: string, className: string, extra = '', register = 'registerLayerSpec') {
    super(
      'E_UNSUPPORTED_LAYER',
      `Layer '${layer}' has class '${className}', which prunekit has no spec for. ` +
        `Either leave it out of pruning (ignore: ['${layer}'], or opaque: ['${layer}'] when building the graph) or register a spec with ` +
        `${register}({ name: '${className}', ... }).${extra ? ' ' + extra : ''}`,
      { layer, className },
    );
  }
}

/** A layer name given by the user (ignore list, ratio map) matches no layer of the model. */
export class UnknownLayerError extends PrunekitError {
  constructor(name: string, field: string, known: readonly string[]) {
    const shown = known.slice(0, 12).join(', ') + (known.length > 12 ? ', …' : '');
    super('E_UNKNOWN_LAYER', `${field}: '${name}' matches no layer of the model (layers: ${shown}).`, {
      name,
      field,
    });
  }
}

/** Tensor or weight shapes that do not fit together (E_SHAPE). */
export class ShapeError extends PrunekitError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('E_SHAPE', message, details);
  }
}

/** A tfjs backend that cannot start or would fall back silently, or a kernel that cannot load (E_BACKEND). */
export class BackendError extends PrunekitError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('E_BACKEND', message, details);
  }
}

/**
 * Writing an output failed or was refused: a filesystem fault (EACCES, ENOTDIR, ENAMETOOLONG,
 * ENOSPC, ...), a target another writer claimed first, or a target that would touch an input model.
 */
export class OutputError extends PrunekitError {
  constructor(
    code: 'E_OUTPUT' | 'E_OUTPUT_EXISTS' | 'E_INPUT_PROTECTED',
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, details);
  }
}

/** A checkpoint that cannot be written, read or resumed from (E_CHECKPOINT). */
export class CheckpointError extends PrunekitError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('E_CHECKPOINT', message, details);
  }
}

/** Throws InvalidArgumentError unless `value` is a finite number in [min, max) (or [min, max]). */
export function checkRange(
  field: string,
  value: unknown,
  min: number,
  max: number,
  opts: { maxInclusive?: boolean; integer?: boolean } = {},
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    (opts.maxInclusive ? value <= max : value < max) &&
    (!opts.integer || Number.isInteger(value));
  if (!ok) {
    const range = `[${min}, ${max}${opts.maxInclusive ? ']' : ')'}`;
    throw new InvalidArgumentError(
      `${field} must be ${opts.integer ? 'an integer' : 'a number'} in ${range}, got ${showValue(value)}.`,
      { field, value },
    );
  }
  return value as number;
}

/** A value as a message shows it: NaN and ±Infinity by name (JSON.stringify would print null). */
export function showValue(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json;
}
