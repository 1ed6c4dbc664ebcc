import { weightless } from './common.js';

/** MaxPooling2D: no weights; its element operations are not counted as MACs. */
export const maxPooling2dHandler = weightless('MaxPooling2D');
