export type { PruneScope, UnstructuredPrunerOptions } from './options.js';
export { lowestMask } from './lowest.js';
export { selectGlobal, selectLocal, type Scored } from './select.js';
export { selectGlobalBounded } from './bounded.js';
export { unstructuredPruner, type UnstructuredPruner } from './unstructured_pruner.js';
export { blockPattern, blockIndex, type Granularity, nmMask, nmPattern } from './granularity.js';
export { blockPruner, nmPruner } from './patterns.js';
