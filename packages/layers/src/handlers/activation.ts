import { weightless } from './common.js';

/** Activation: no weights; its element operations are not counted as MACs. */
export const activationHandler = weightless('Activation');
