// The op lists the ONNX tests check: one home, so the generator, the spec and the surgery tests
// cannot drift.

/** The activations the seeded random graphs pick from (random_onnx.ts). */
export const RANDOM_ACTIVATIONS = [
  'Relu',
  'Clip',
  'HardSwish',
  'HardSigmoid',
  'Sigmoid',
  'LeakyRelu',
  'PRelu',
  'Tanh',
] as const;

/**
 * The ops the seeded random graphs cover (the surgery property test checks each is seen). It
 * holds every op the ONNX issue names (Conv, Gemm, MatMul, BatchNormalization, Add, Mul, Concat,
 * Split, the activations, the pools, Resize, Pad, Reshape, Flatten, Transpose), so the spec test
 * checks this list has specs.
 */
export const RANDOM_ONNX_OPS = [
  'Conv',
  'BatchNormalization',
  ...RANDOM_ACTIVATIONS,
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Max',
  'Concat',
  'Split',
  'GlobalAveragePool',
  'ReduceMean',
  'Resize',
  'Pad',
  'MaxPool',
  'AveragePool',
  'Reshape',
  'Flatten',
  'Transpose',
  'Gemm',
  'MatMul',
] as const;
