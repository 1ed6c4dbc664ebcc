import { weightless } from './common.js';

/** GlobalMaxPooling1D: no weights; its element operations are not counted as MACs. */
export const globalMaxPooling1dHandler = weightless('GlobalMaxPooling1D');
