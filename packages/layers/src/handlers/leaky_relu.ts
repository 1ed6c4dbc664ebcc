import { weightless } from './common.js';

/** LeakyReLU: no weights; its element operations are not counted as MACs. */
export const leakyReluHandler = weightless('LeakyReLU');
