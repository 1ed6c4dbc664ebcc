export * from './errors.js';
export * from './graph.js';
export * from './groups.js';
export * from './interfaces.js';
export * from './mask.js';
export * from './metrics.js';
export * from './results.js';
export * from './rng.js';
