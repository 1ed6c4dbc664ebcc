import { weightless } from './common.js';

export const inputLayerHandler = weightless('InputLayer');
