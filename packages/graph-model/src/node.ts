// Node-only entry: file-system IO (the main entry stays free of Node built-ins for browsers).
export { loadGraphModelFile, saveGraphModel } from './io/node_files.js';
import { graphModelFromArtifacts } from './io/source.js';
import { loadGraphModelFile } from './io/node_files.js';

/**
 * The graph-model strategy of @prunekit/recipe's load stage (`loadStage(path, { graphModel:
 * graphModelLoader })`): files through loadGraphModelFile, handler or URL artifacts through
 * graphModelFromArtifacts.
 */
export const graphModelLoader = { fromFile: loadGraphModelFile, fromArtifacts: graphModelFromArtifacts };
