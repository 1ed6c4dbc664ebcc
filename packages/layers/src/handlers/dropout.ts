import { weightless } from './common.js';

/** Dropout: no weights; its element operations are not counted as MACs. */
export const dropoutHandler = weightless('Dropout');
