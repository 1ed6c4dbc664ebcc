// Node-only entry (@prunekit/backend-wasm/node): the sparse kernels on worker threads. The main entry
// (useBackend, the kernels, setKernelPaths) also runs in browsers.
export * from './threads/index.js';
