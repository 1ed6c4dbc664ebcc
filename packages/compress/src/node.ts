// Node-only entry (@prunekit/compress/node): reading and writing compressed models and quantized
// tfjs folders on the file system. The main entry (encode/decode in memory) also runs in browsers.
export {
  type LoadCompressedOptions,
  loadCompressed,
  readCompressed,
  saveCompressed,
} from './format/file_io.js';
export { saveTfjsQuantized } from './quantize/tfjs_save.js';
