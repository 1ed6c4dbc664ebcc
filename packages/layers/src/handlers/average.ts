import { weightless } from './common.js';

/** Average: no weights; its element operations are not counted as MACs. */
export const averageHandler = weightless('Average');
