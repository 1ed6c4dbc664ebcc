import { PrunekitError } from '@prunekit/core';

/** A schedule's arguments are out of range, out of order, or its JSON is not a schedule. */
export class ScheduleError extends PrunekitError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('E_SCHEDULE', message, details);
  }
}
