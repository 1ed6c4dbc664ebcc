/** The one JSON shape every benchmark and example writes (docs/architecture.md, "Results"). */
export interface Goal {
  readonly name: string;
  /** The measured value — never a constant. */
  readonly value: number;
  readonly target: number;
  readonly op: '>=' | '<=';
}

/** A benchmark or run result document: `{name, env, rows, goals}` as written to stdout and results JSON. */
export interface ResultDoc {
  readonly name: string;
  readonly env: { node: string; cpu: string; backend: string; adapter?: string; [k: string]: unknown };
  readonly rows: readonly Record<string, unknown>[];
  readonly goals: readonly Goal[];
}

/** Whether a goal's measured value is finite and on the right side of its target. */
export function goalMet(g: Goal): boolean {
  return Number.isFinite(g.value) && (g.op === '>=' ? g.value >= g.target : g.value <= g.target);
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The q-quantile (0..1) of a non-empty list, nearest rank. */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
