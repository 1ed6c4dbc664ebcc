import { readFile } from 'node:fs/promises';
import { ModelFormatError } from '@prunekit/core';
import { writeFileAtomic } from '@prunekit/layers/node';

/** The bytes of an .onnx file (E_MODEL_NOT_FOUND naming the path when it is missing). */
export async function loadOnnxFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFormatError(
      code === 'ENOENT' ? 'E_MODEL_NOT_FOUND' : 'E_MODEL_FORMAT',
      `Cannot read ONNX model '${path}': ${(e as Error).message}.`,
      { file: path },
    );
  }
}

/** Writes an .onnx file atomically (temp file + rename); a target that is an input model is refused. */
export async function saveOnnxFile(path: string, bytes: Uint8Array): Promise<string> {
  return writeFileAtomic(path, bytes);
}
