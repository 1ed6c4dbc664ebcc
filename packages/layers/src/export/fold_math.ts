/** Per-channel affine form of an inference BatchNormalization: y = x·scale + shift. */
export interface ChannelAffine {
  readonly scale: Float32Array;
  readonly shift: Float32Array;
}

export interface BatchNormValues {
  readonly gamma?: Float32Array;
  readonly beta?: Float32Array;
  readonly mean: Float32Array;
  readonly variance: Float32Array;
  readonly epsilon: number;
}

/** scale = γ / √(σ² + ε), shift = β − μ·scale (γ = 1 without `scale`, β = 0 without `center`). */
export function batchNormAffine(bn: BatchNormValues): ChannelAffine {
  const n = bn.mean.length;
  const scale = new Float32Array(n);
  const shift = new Float32Array(n);
  for (let c = 0; c < n; c++) {
    // In float64, then rounded once, so the folded model stays within float32 rounding of the original.
    const s = (bn.gamma ? bn.gamma[c] : 1) / Math.sqrt(bn.variance[c] + bn.epsilon);
    scale[c] = s;
    shift[c] = (bn.beta ? bn.beta[c] : 0) - bn.mean[c] * s;
  }
  return { scale, shift };
}

/**
 * Scales a kernel whose trailing axes, flattened, index the output channels (Conv2D and Dense:
 * the last axis; DepthwiseConv2D: [inChannels, multiplier], output channel c·m + k). Returns a copy.
 */
export function scaleKernel(kernel: Float32Array, scale: Float32Array): Float32Array {
  const out = new Float32Array(kernel.length);
  const n = scale.length;
  for (let i = 0; i < kernel.length; i += n) {
    for (let c = 0; c < n; c++) out[i + c] = kernel[i + c] * scale[c];
  }
  return out;
}

/** The folded bias: b·scale + shift (b = 0 where the layer had none). */
export function foldBias(bias: Float32Array | undefined, affine: ChannelAffine): Float32Array {
  const out = new Float32Array(affine.shift.length);
  for (let c = 0; c < out.length; c++) out[c] = (bias ? bias[c] * affine.scale[c] : 0) + affine.shift[c];
  return out;
}
