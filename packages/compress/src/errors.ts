import { PrunekitError } from '@prunekit/core';

/**
 * A compressed model file (or buffer) is truncated, of another version, fails its checksum or
 * holds inconsistent fields. Raised before any model is built, so nothing is half-loaded.
 */
export class CompressedFormatError extends PrunekitError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('E_FORMAT', message, details);
  }
}
