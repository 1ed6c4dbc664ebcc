export type { PruneScope, UnstructuredPrunerOptions } from './options.js';
export { lowestMask } from './lowest.js';
export { selectGlobal, selectLocal, type Scored } from './select.js';
export { maskSetSparsity, unstructuredPruner, type UnstructuredPruner } from './unstructured_pruner.js';
