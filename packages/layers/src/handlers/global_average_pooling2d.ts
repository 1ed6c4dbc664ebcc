import { weightless } from './common.js';

/** GlobalAveragePooling2D: no weights; its element operations are not counted as MACs. */
export const globalAveragePooling2dHandler = weightless('GlobalAveragePooling2D');
