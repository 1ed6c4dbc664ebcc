import { weightless } from './common.js';

/** Reshape: no weights; its element operations are not counted as MACs. */
export const reshapeHandler = weightless('Reshape');
