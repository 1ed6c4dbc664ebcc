/** Markdown pieces for the closed-loop sections of results.md (shared by the driving examples). */

/** One attempt of closedLoopChannelSearch (structurally its SearchStep). */
export interface SearchStepLike {
  readonly candidate: string;
  readonly stage: string;
  readonly macsReduction: number;
  readonly decision: string;
  readonly message: string;
}

/** `1.034 (0.91–1.17)`: a rate ratio and its interval. */
export function ratioCell(ratio: number, lower: number, upper: number): string {
  const f = (v: number, d: number) => (Number.isFinite(v) ? v.toFixed(d) : String(v));
  return `${f(ratio, 3)} (${f(lower, 2)}–${f(upper, 2)})`;
}

/** The search's log as a section: what was tried, the decision, and why. */
export function searchLogLines(steps: readonly SearchStepLike[], intro: string): string[] {
  return [
    '## Closed-loop search (structured, validation scenarios)',
    '',
    intro,
    '',
    '| candidate | stage | MACs reduction | decision | why |',
    '| --- | --- | ---: | --- | --- |',
    ...steps.map(
      (s) =>
        `| ${s.candidate} | ${s.stage} | ${s.macsReduction.toFixed(2)}x | ${s.decision} | ${s.message.replaceAll('|', '/')} |`,
    ),
    '',
  ];
}
