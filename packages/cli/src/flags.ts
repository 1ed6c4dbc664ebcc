/** Command-line flags → recipe overrides (the schema then validates them like recipe fields). */
import type { Override } from './recipe/load.js';

/** A number when the text is one, else the text (so the schema reports "got 'abc'"). */
export const num = (v: string): number | string =>
  v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
export const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

export interface PruneFlags {
  seed?: string;
  backend?: string;
  method?: string;
  ratio?: string;
  scorer?: string;
  scope?: string;
  ignore?: string;
  finetuneEpochs?: string;
  lr?: string;
  batchSize?: string;
  format?: string;
  guard?: string;
  data?: string;
  name?: string;
}

/** Which pruning section --ratio/--scorer/--scope/--ignore apply to. */
export function methodOf(flags: PruneFlags, raw: Record<string, unknown>): string {
  if (flags.method) return flags.method;
  return raw.structured !== undefined && raw.unstructured === undefined ? 'structured' : 'unstructured';
}

export function pruneOverrides(flags: PruneFlags, raw: Record<string, unknown>): Override[] {
  const o: Override[] = [];
  const method = methodOf(flags, raw);
  const add = (flag: string, path: (string | number)[], value: unknown) => o.push({ flag, path, value });
  if (flags.name !== undefined) add('--name', ['name'], flags.name);
  if (flags.seed !== undefined) add('--seed', ['seed'], num(flags.seed));
  if (flags.backend !== undefined) add('--backend', ['backend'], flags.backend);
  if (flags.method !== undefined && raw[method] === undefined) add('--method', [method], {});
  if (flags.ratio !== undefined) {
    // --ratio replaces the section's levels (and its single ratio), it does not add to them.
    add('--ratio', [method, 'levels'], list(flags.ratio).map(num));
    if ((raw[method] as Record<string, unknown> | undefined)?.ratio !== undefined)
      add('--ratio', [method, 'ratio'], undefined);
  }
  if (flags.scorer !== undefined) add('--scorer', [method, 'scorer'], { name: flags.scorer }); // the other scorer's options may not apply
  if (flags.scope !== undefined) add('--scope', [method, 'scope'], flags.scope);
  if (flags.ignore !== undefined) add('--ignore', [method, 'ignore'], list(flags.ignore));
  if (flags.finetuneEpochs !== undefined)
    add('--finetune-epochs', ['finetune', 'epochs'], num(flags.finetuneEpochs));
  if (flags.lr !== undefined) add('--lr', ['finetune', 'lr'], num(flags.lr));
  if (flags.batchSize !== undefined) add('--batch-size', ['finetune', 'batchSize'], num(flags.batchSize));
  if (flags.format !== undefined) add('--format', ['export', 'format'], flags.format);
  if (flags.guard !== undefined) add('--guard', ['guard', 'maxAccuracyDrop'], num(flags.guard));
  return o;
}
