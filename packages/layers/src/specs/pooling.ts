import { passThrough, weightless } from './kit.js';

/** Pooling acts on each channel alone: channels pass through; no weights, 0 MACs. */
export const maxPooling1dSpec = weightless('MaxPooling1D', passThrough);
export const maxPooling2dSpec = weightless('MaxPooling2D', passThrough);
export const averagePooling1dSpec = weightless('AveragePooling1D', passThrough);
export const averagePooling2dSpec = weightless('AveragePooling2D', passThrough);
export const globalAveragePooling1dSpec = weightless('GlobalAveragePooling1D', passThrough);
export const globalAveragePooling2dSpec = weightless('GlobalAveragePooling2D', passThrough);
export const globalMaxPooling1dSpec = weightless('GlobalMaxPooling1D', passThrough);
export const globalMaxPooling2dSpec = weightless('GlobalMaxPooling2D', passThrough);
