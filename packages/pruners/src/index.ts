export * from './schedules/index.js';
export * from './unstructured/index.js';
export * from './channel/index.js';
export * from './sensitivity/index.js';
export * from './guard/index.js';
export * from './closed_loop/index.js';
export * from './deadline/index.js';
