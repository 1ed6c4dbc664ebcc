/** --checkpoint / --resume, shared by finetune and prune: checked before any work, then turned into tuneModel's options by checkpointFor. */
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { checkOutDir } from './out_dir.js';

export interface CheckpointFlags {
  checkpoint?: string;
  resume?: boolean;
}

/**
 * Refuses --resume without --checkpoint, and a checkpoint folder that would touch an input model
 * or lie inside, equal or around `out` (which is replaced whole when the run is published).
 * Returns the checkpoint folder, resolved, if one was given.
 */
export async function checkCheckpointFlags(
  flags: CheckpointFlags,
  inputs: readonly string[],
  out: string,
): Promise<string | undefined> {
  if (flags.resume && !flags.checkpoint)
    throw new UsageError('--resume needs --checkpoint <dir> (the folder of the run to continue).', {
      field: 'resume',
    });
  if (!flags.checkpoint) return undefined;
  const dir = resolve(flags.checkpoint);
  await checkOutDir(dir, true, inputs, '--checkpoint');
  const o = resolve(out);
  if (dir === o || dir.startsWith(`${o}/`) || o.startsWith(`${dir}/`))
    throw new UsageError(
      `--checkpoint '${dir}' overlaps --out '${o}', which is replaced when the run is written; choose a folder beside it.`,
      { field: 'checkpoint' },
    );
  return dir;
}
