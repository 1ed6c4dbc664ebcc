/** The report stage's shared part: the machine a run's figures were measured on (results.json `env`). */
import { cpus } from 'node:os';

/** The machine a run's figures were measured on: Node version, CPU model, cores and tfjs backend. */
export interface RunEnv {
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly backend: string;
}

/** The run environment of this process: Node version, CPU model, core count and `backend`. */
export function baseEnv(backend: string): RunEnv {
  return { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, backend };
}
