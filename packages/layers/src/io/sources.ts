import type * as tfl from '@tensorflow/tfjs-layers';

// Folders that loadModel read models from in this process: saveModel refuses to write over them,
// so a prune-and-save run can never destroy its own input.
const byModel = new WeakMap<tfl.LayersModel, string>();
const folders = new Set<string>();

export function rememberSource(model: tfl.LayersModel, dir: string): void {
  byModel.set(model, dir);
  folders.add(dir);
}

/** Marks a folder a model was read from (when the model object itself is built by tfjs). */
export function rememberSourceFolder(dir: string): void {
  folders.add(dir);
}

/** The folder `model` was loaded from by loadModel, if it was. */
export function modelSource(model: tfl.LayersModel): string | undefined {
  return byModel.get(model);
}

/** Whether loadModel read a model from `dir` (an absolute, real path) in this process. */
export function isSourceFolder(dir: string): boolean {
  return folders.has(dir);
}

/** Every folder loadModel read a model from in this process (absolute, real paths). */
export function sourceFolders(): readonly string[] {
  return [...folders];
}
