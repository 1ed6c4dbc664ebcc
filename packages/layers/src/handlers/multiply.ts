import { weightless } from './common.js';

/** Multiply: no weights; its element operations are not counted as MACs. */
export const multiplyHandler = weightless('Multiply');
