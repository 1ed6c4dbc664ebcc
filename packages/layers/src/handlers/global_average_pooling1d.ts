import { weightless } from './common.js';

/** GlobalAveragePooling1D: no weights; its element operations are not counted as MACs. */
export const globalAveragePooling1dHandler = weightless('GlobalAveragePooling1D');
