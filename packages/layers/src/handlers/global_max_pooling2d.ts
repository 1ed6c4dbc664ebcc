import { weightless } from './common.js';

/** GlobalMaxPooling2D: no weights; its element operations are not counted as MACs. */
export const globalMaxPooling2dHandler = weightless('GlobalMaxPooling2D');
