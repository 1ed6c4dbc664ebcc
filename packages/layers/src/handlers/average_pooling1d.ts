import { weightless } from './common.js';

/** AveragePooling1D: no weights; its element operations are not counted as MACs. */
export const averagePooling1dHandler = weightless('AveragePooling1D');
