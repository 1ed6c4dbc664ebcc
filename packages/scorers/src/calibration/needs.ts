/**
 * What a data-driven scorer needs computed from calibration data, and where the runner stores it
 * in the core ScoreContext maps. One key convention, used by the runner and every scorer:
 *
 *   ctx.gradients: `id`           mean gradient of the loss (over all calibration samples)
 *                  `sq:${id}`     mean over batches of the squared batch gradient (Fisher)
 *                  `hdiag:${id}`  Hutchinson estimate of the Hessian diagonal
 *   ctx.activations: `${layer}`      mean |output| per output channel (last axis)
 *                    `apoz:${layer}` fraction of output entries ≤ 0 per channel
 *                    `in:${layer}`   RMS of the layer's input per input channel (Wanda's ‖x‖)
 */
export interface CalibrationNeeds {
  readonly gradients?: boolean;
  readonly squaredGradients?: boolean;
  /** Hutchinson Hessian diagonal with `probes` seeded Rademacher probes. */
  readonly hessian?: { readonly probes: number; readonly seed: number; readonly epsilon: number };
  readonly activations?: boolean;
}

export const gradKey = (id: string): string => id;
export const sqGradKey = (id: string): string => `sq:${id}`;
export const hessKey = (id: string): string => `hdiag:${id}`;
export const actKey = (layer: string): string => layer;
export const apozKey = (layer: string): string => `apoz:${layer}`;
export const inputKey = (layer: string): string => `in:${layer}`;

/** Union of several scorers' needs (the runner computes each once). */
export function mergeNeeds(list: readonly (CalibrationNeeds | undefined)[]): CalibrationNeeds {
  let hessian: CalibrationNeeds['hessian'];
  for (const n of list) {
    if (n?.hessian && (!hessian || n.hessian.probes > hessian.probes)) hessian = n.hessian;
  }
  return {
    gradients: list.some((n) => n?.gradients),
    squaredGradients: list.some((n) => n?.squaredGradients),
    hessian,
    activations: list.some((n) => n?.activations),
  };
}
