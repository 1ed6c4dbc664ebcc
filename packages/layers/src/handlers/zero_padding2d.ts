import { weightless } from './common.js';

/** ZeroPadding2D: no weights; its element operations are not counted as MACs. */
export const zeroPadding2dHandler = weightless('ZeroPadding2D');
