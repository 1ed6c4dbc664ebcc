import { weightless } from './common.js';

/** Concatenate: no weights; its element operations are not counted as MACs. */
export const concatenateHandler = weightless('Concatenate');
