/** The report stage's shared part: the machine a run's figures were measured on (results.json `env`). */
import { cpus } from 'node:os';

export interface RunEnv {
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly backend: string;
}

export function baseEnv(backend: string): RunEnv {
  return { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, backend };
}
