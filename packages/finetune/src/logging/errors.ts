import { PrunekitError } from '@prunekit/core';

/** A metrics/event file that does not parse (bad framing, CRC mismatch, malformed protobuf). */
export class EventFileError extends PrunekitError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('E_FORMAT', message, details);
  }
}
