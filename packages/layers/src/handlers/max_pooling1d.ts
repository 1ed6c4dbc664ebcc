import { weightless } from './common.js';

/** MaxPooling1D: no weights; its element operations are not counted as MACs. */
export const maxPooling1dHandler = weightless('MaxPooling1D');
