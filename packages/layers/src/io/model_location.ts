import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@prunekit/core';
import type * as tf from '@tensorflow/tfjs-core';

/** Where a model is read from or written to: a path, a file:// or http(s):// URL, or a tf.io.IOHandler. */
export type ModelLocation = string | URL | tf.io.IOHandler;

export type ResolvedLocation =
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'http'; readonly url: string }
  | { readonly kind: 'handler'; readonly handler: tf.io.IOHandler };

function isHandler(x: unknown): x is tf.io.IOHandler {
  return (
    typeof x === 'object' &&
    x !== null &&
    (typeof (x as tf.io.IOHandler).load === 'function' || typeof (x as tf.io.IOHandler).save === 'function')
  );
}

/** Sorts a location into a file path, an http(s) URL or an IOHandler, as tfjs's IO routers do. */
export function resolveLocation(where: unknown, what: string): ResolvedLocation {
  if (isHandler(where)) return { kind: 'handler', handler: where };
  const text = where instanceof URL ? where.href : where;
  if (typeof text !== 'string' || text === '') {
    throw new InvalidArgumentError(
      `${what} must be a path, a file:// or http(s):// URL, or a tf.io.IOHandler; got ${
        text === '' ? 'an empty string' : typeof where
      }.`,
      { field: what },
    );
  }
  if (/^file:\/\//i.test(text)) {
    try {
      return { kind: 'path', path: fileURLToPath(text) };
    } catch (e) {
      throw new InvalidArgumentError(
        `${what} '${text}' is not a valid file:// URL: ${(e as Error).message}.`,
        {
          field: what,
          value: text,
        },
      );
    }
  }
  if (/^https?:\/\//i.test(text)) return { kind: 'http', url: text };
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]+):\/\//.exec(text);
  if (scheme) {
    throw new InvalidArgumentError(
      `${what} '${text}' uses the scheme '${scheme[1]}://', which prunekit cannot reach in Node. ` +
        'Pass a path, a file:// or http(s):// URL, or a tf.io.IOHandler for that storage.',
      { field: what, value: text },
    );
  }
  return { kind: 'path', path: text };
}
