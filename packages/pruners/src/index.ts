export * from './schedules/index.js';
export * from './unstructured/index.js';
