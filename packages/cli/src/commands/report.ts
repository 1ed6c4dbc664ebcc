/** prunekit report: re-renders report.html and summary.md from a report.json written by prune. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ReportData } from '@prunekit/report';
import { buildReport } from '@prunekit/report/node';
import { UsageError } from '../errors.js';
import { EXIT, type ExitCode } from '../exit_codes.js';
import type { CliIO } from '../io.js';
import { writeTextFile } from './out_dir.js';

export async function reportCommand(
  flags: { from?: string; out?: string; title?: string },
  io: CliIO,
): Promise<ExitCode> {
  if (!flags.from)
    throw new UsageError('report needs --from <report.json or the folder prune wrote>.', { field: 'from' });
  let file = resolve(flags.from);
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'report.json');
  if (!existsSync(file))
    throw new UsageError(
      `--from: '${file}' does not exist (prune writes report.json into its --out folder).`,
      { field: 'from' },
    );
  let data: ReportData;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as ReportData;
  } catch (e) {
    throw new UsageError(`--from: '${file}' is not JSON: ${(e as Error).message}`, { field: 'from' });
  }
  if (!Array.isArray(data?.runs))
    throw new UsageError(`--from: '${file}' has no runs list; is it a prunekit report.json?`, {
      field: 'from',
    });
  if (flags.title) data = { ...data, title: flags.title };
  const out = resolve(flags.out ?? join(file, '..'));
  const { html, markdown } = buildReport(data);
  await writeTextFile(out, 'report.html', html);
  await writeTextFile(out, 'summary.md', markdown);
  io.stdout(`wrote ${join(out, 'report.html')} and ${join(out, 'summary.md')}\n`);
  return EXIT.ok;
}
