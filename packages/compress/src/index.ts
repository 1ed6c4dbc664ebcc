export { CompressedFormatError } from './errors.js';
export { channelAxis, kernelsOnly, type WeightSelector } from './select.js';
export { dequantizeInt8, type Int8Scheme, type Int8Weights, quantizeInt8 } from './quantize/int8.js';
export { type AffineQuantized, quantizeAffine } from './quantize/affine.js';
export { float16Array, toFloat16 } from './quantize/float16.js';
export { type ActivationRange, type ActivationRanges, int8Params } from './quantize/activation_ranges.js';
export { type CalibrationOptions, calibrateActivations } from './quantize/calibrate.js';
export {
  type TfjsQuantDtype,
  type TfjsQuantizedOptions,
  tfjsQuantizedArtifacts,
} from './quantize/tfjs_export.js';
export { type KMeans1D, kmeans1d } from './cluster/kmeans.js';
export {
  type ClusteredWeight,
  type Clustering,
  type ClusterOptions,
  clusteredValues,
  clusterModel,
  clusterValues,
} from './cluster/cluster_model.js';
export { keepClustersCallback, tieToClusters } from './cluster/tie.js';
export { bitsFor, packBits, unpackBits } from './format/bitpack.js';
export { crc32 } from './format/crc32.js';
export { type Coding, FORMAT_VERSION, HEADER_BYTES, type Header, MAGIC } from './format/header.js';
export type { WeightEntry } from './format/weight_entry.js';
export type { WeightEncoding } from './format/encode_weight.js';
export {
  type CompressOptions,
  type CompressResult,
  compressModel,
  type WeightReport,
} from './format/encode.js';
export {
  type DecodedModel,
  decodeCompressed,
  loadCompressedBytes,
  modelFromDecoded,
} from './format/decode.js';
