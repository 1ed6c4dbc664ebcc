import { InvalidArgumentError } from '@prunekit/core';

/** A bad command line or recipe; the CLI prints its one-line message and exits with code 2. */
export class UsageError extends InvalidArgumentError {}
