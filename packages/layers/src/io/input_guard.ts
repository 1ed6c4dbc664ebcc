import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { OutputError } from '@prunekit/core';
import { sourceFolders } from './sources.js';

/**
 * The real path `path` would have: symlinks and `..` resolved for the part that exists, the
 * rest appended. (A target folder usually does not exist yet.)
 */
export async function realTarget(path: string): Promise<string> {
  const abs = resolve(path);
  const tail: string[] = [];
  let at = abs;
  for (;;) {
    try {
      return join(await realpath(at), ...tail.reverse());
    } catch {
      const up = dirname(at);
      if (up === at) return abs;
      tail.push(basename(at));
      at = up;
    }
  }
}

function below(dir: string, p: string): boolean {
  const rel = relative(dir, p);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** How `a` relates to `b`: equal, inside it, containing it, or apart (all absolute real paths). */
function relation(a: string, b: string): 'equal' | 'inside' | 'contains' | undefined {
  if (a === b) return 'equal';
  if (below(b, a)) return 'inside';
  if (below(a, b)) return 'contains';
  return undefined;
}

/**
 * Refuses an output location that is equal to, inside, or contains the folder of an input model:
 * each of `inputs` (model.json paths or folders) and every folder loadModel read from in this
 * process (unless `opts.loaded` is false). Real paths are compared, so symlinks and `..` cannot get around it. `flag` names the
 * option in the message (e.g. '--out' for the CLI).
 */
export async function refuseInputOverlap(
  target: string,
  inputs: readonly string[] = [],
  flag = 'the output folder',
  opts: { loaded?: boolean } = {},
): Promise<void> {
  const real = await realTarget(target);
  const folders = new Set(opts.loaded === false ? [] : sourceFolders());
  for (const i of inputs) {
    const r = await realTarget(i);
    folders.add(r.endsWith('.json') ? dirname(r) : r);
  }
  for (const f of folders) {
    const how = relation(real, f);
    if (!how) continue;
    const words = { equal: 'is', inside: 'is inside', contains: 'contains' }[how];
    throw new OutputError(
      'E_INPUT_PROTECTED',
      `Refusing to write ${flag} '${resolve(target)}': it ${words} the folder of an input model ('${f}'), ` +
        'which prunekit never changes. Write to a folder outside the input model folder.',
      { path: resolve(target), input: f },
    );
  }
}
