import { passThrough, weightless } from './kit.js';

/** Dropouts and noises: identity at inference, per channel while training; no weights, 0 MACs. */
export const dropoutSpec = weightless('Dropout', passThrough);
export const spatialDropout1dSpec = weightless('SpatialDropout1D', passThrough);
export const alphaDropoutSpec = weightless('AlphaDropout', passThrough);
export const gaussianNoiseSpec = weightless('GaussianNoise', passThrough);
export const gaussianDropoutSpec = weightless('GaussianDropout', passThrough);
