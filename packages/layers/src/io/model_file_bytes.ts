import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseModelJson } from './manifest.js';
import { confinePath } from './paths.js';
import { resolveModelFile } from './read_model.js';

/** Bytes on disk of a saved model: model.json plus every shard its manifest lists. */
export async function modelFileBytes(path: string): Promise<number> {
  const file = await resolveModelFile(path);
  const json = parseModelJson(await readFile(file, 'utf8'), file);
  let total = (await stat(file)).size;
  for (const g of json.weightsManifest) {
    for (const p of g.paths) total += (await stat(confinePath(dirname(file), p))).size;
  }
  return total;
}
