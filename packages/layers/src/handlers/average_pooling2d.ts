import { weightless } from './common.js';

/** AveragePooling2D: no weights; its element operations are not counted as MACs. */
export const averagePooling2dHandler = weightless('AveragePooling2D');
