import { PrunekitError } from '@prunekit/core';

/**
 * A sparse matrix whose structure is inconsistent (row pointers, indices, block or N:M layout).
 * Raised once when the format is built, never inside a kernel.
 */
export class SparseFormatError extends PrunekitError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('E_FORMAT', message, details);
  }
}
