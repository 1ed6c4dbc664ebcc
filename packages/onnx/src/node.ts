// Node-only entry: file-system IO (the main entry stays free of Node built-ins for browsers).
export { loadOnnxFile, saveOnnxFile } from './io/node_files.js';
