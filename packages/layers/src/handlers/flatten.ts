import { weightless } from './common.js';

/** Flatten: no weights; its element operations are not counted as MACs. */
export const flattenHandler = weightless('Flatten');
