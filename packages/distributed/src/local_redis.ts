/**
 * A throw-away redis-server on 127.0.0.1 for tests, benchmarks and trying things out: a free
 * port, its own temp folder, no RDB snapshots and an append-only file (so a restart keeps the
 * queue, as a production Redis with AOF would).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';

/** A redis-server started by startLocalRedis on a free local port, with its own data folder (`dir`). */
export interface LocalRedis {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Stops the server (SIGTERM: it flushes its AOF) and starts it again on the same port and folder. */
  restart(): Promise<void>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Path of redis-server on PATH (or /usr/bin, /usr/sbin, /usr/local/bin; or in `dirs`); throws with
 * the apt command when absent.
 */
export function findRedisServer(
  dirs: readonly string[] = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'],
): string {
  for (const d of dirs) {
    const p = join(d, 'redis-server');
    if (d && existsSync(p)) return p;
  }
  throw new Error(
    `redis-server not found (looked in ${dirs.filter(Boolean).join(', ')}): install it with ` +
      '`apt-get update && apt-get install -y redis-server` (it is listed in .ci/apt-packages).',
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, proc: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited with code ${proc.exitCode} at start`);
    const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => {});
    try {
      await c.connect();
      // 'loading' while it replays the AOF: wait for a plain PONG.
      if ((await c.ping()) === 'PONG') return;
    } catch {
      if (Date.now() > until) throw new Error(`redis-server did not answer at ${url} within ${timeoutMs} ms`);
    } finally {
      c.disconnect();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => proc.once('exit', () => r()));
}

/** Starts redis-server on a free 127.0.0.1 port with a temp folder (see the file comment). */
export async function startLocalRedis(opts: { timeoutMs?: number } = {}): Promise<LocalRedis> {
  const bin = findRedisServer();
  execFileSync(bin, ['--version']);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'prunekit-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--protected-mode',
    'yes',
  ];
  const launch = async () => {
    const p = spawn(bin, args, { stdio: 'ignore' });
    await waitReady(url, p, opts.timeoutMs ?? 10_000);
    return p;
  };
  let proc = await launch();
  const stop = async () => {
    proc.kill('SIGTERM');
    await exited(proc);
  };
  return {
    url,
    port,
    dir,
    async restart() {
      await stop();
      proc = await launch();
    },
    async stop() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
