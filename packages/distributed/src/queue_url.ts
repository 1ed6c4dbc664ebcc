/** Queue URLs and Redis connections: parse, check reachability once, then reconnect forever. */
import { Redis } from 'ioredis';
import { QueueUnavailableError, QueueUrlError } from './errors.js';

/** A parsed redis:// or rediss:// queue URL: host, port, database number and whether TLS is used. */
export interface QueueAddress {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly tls: boolean;
}

/** Parses redis://[user:pass@]host[:port][/db] (rediss:// for TLS); throws QueueUrlError otherwise. */
export function parseQueueUrl(url: string): QueueAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new QueueUrlError(url, 'is not a URL');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new QueueUrlError(url, `has scheme '${u.protocol.replace(/:$/, '')}', not redis or rediss`);
  }
  if (!u.hostname) throw new QueueUrlError(url, 'names no host');
  const port = u.port ? Number(u.port) : 6379;
  const path = u.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0) throw new QueueUrlError(url, `has database '${path}', not an integer`);
  return { url, host: u.hostname, port, db, tls: u.protocol === 'rediss:' };
}

const where = (a: QueueAddress) => `${a.host}:${a.port}/${a.db}`;

/** Connects once without retrying and pings: fails fast with QueueUnavailableError when Redis is down. */
export async function checkReachable(a: QueueAddress, timeoutMs = 3000): Promise<void> {
  const probe = new Redis(a.url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // connect() rejects with a bare "Connection is closed."; the cause (ECONNREFUSED, …) comes here.
  let cause: { code?: string; message?: string } | undefined;
  probe.on('error', (e) => {
    cause = e as typeof cause;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    const err = (cause ?? e) as { code?: string; message?: string };
    throw new QueueUnavailableError(where(a), err.code ?? err.message ?? String(e));
  } finally {
    probe.disconnect();
  }
}

/**
 * A connection for BullMQ: requests wait while Redis is away (maxRetriesPerRequest null, as
 * BullMQ requires for workers) and reconnects back off to 1 s, so a restarted Redis (with its
 * AOF) picks the sweep up where it was.
 */
export function connect(a: QueueAddress): Redis {
  const c = new Redis(a.url, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(50 * times, 1000),
  });
  c.on('error', () => {}); // reconnects are handled by retryStrategy; a lasting outage shows as waiting
  return c;
}
