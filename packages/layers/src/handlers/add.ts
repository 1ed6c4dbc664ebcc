import { weightless } from './common.js';

/** Add: no weights; its element operations are not counted as MACs. */
export const addHandler = weightless('Add');
