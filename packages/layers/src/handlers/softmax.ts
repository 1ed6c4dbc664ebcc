import { weightless } from './common.js';

/** Softmax: no weights; its element operations are not counted as MACs. */
export const softmaxHandler = weightless('Softmax');
