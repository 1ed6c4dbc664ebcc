import { weightless } from './common.js';

/** ReLU: no weights; its element operations are not counted as MACs. */
export const reluHandler = weightless('ReLU');
