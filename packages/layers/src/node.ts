// Node-only entry (@prunekit/layers/node): checked file-system IO with atomic writes. The main entry
// stays free of Node built-ins so browser bundles of it (and of the packages built on it) resolve.
export {
  checkTarget,
  flushRetired,
  publishFolder,
  type WriteOptions,
  writeFileAtomic,
  writeFilesAtomic,
} from './io/atomic_write.js';
export { fileSystemIO } from './io/file_system_io.js';
export { realTarget, refuseInputOverlap } from './io/input_guard.js';
export { loadHandlerArtifacts, loadModel, modelFromArtifacts } from './io/load_model.js';
export { type ModelLocation, resolveLocation } from './io/model_location.js';
export { modelFileBytes } from './io/model_file_bytes.js';
export { type ReadModel, readModel } from './io/read_model.js';
export { type SaveOptions, type SaveResult, saveModel } from './io/save_model.js';
export { sweepStale } from './io/temp_names.js';
