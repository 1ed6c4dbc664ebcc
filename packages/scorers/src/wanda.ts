import { type Scorer, ShapeError } from '@prunekit/core';
import { assertFinite } from './finite.js';
import { type GroupOptions, broadcastChannels, elementwiseScorer, groupOptions } from './scorer_kit.js';

/**
 * Wanda (Sun et al. 2024): |w_ij|·‖x_i‖, the weight's magnitude times the RMS of the input feature
 * it multiplies on the calibration data (for a conv kernel: of its input channel over batch and
 * space). RMS instead of the plain L2 norm keeps scores independent of the calibration size.
 * Weights without an input axis (biases, BN) score |w|.
 */
export function wanda(opts: GroupOptions = {}): Scorer {
  const name = 'wanda';
  return elementwiseScorer(
    {
      name,
      needs: ['weights', 'inputNorm'],
      element: (p, ctx, st) => {
        const w = ctx.graph.weights.values(p.id);
        assertFinite(p.id, w);
        for (let i = 0; i < w.length; i++) w[i] = Math.abs(w[i]);
        const norms = p.inAxis === undefined ? undefined : st.inputNorm?.get(p.node);
        if (!norms) return w;
        if (norms.length !== p.shape[p.inAxis!]) {
          throw new ShapeError(
            `${name}: the recorded input of layer '${p.node}' has ${norms.length} channels, but '${p.id}' ` +
              `expects ${p.shape[p.inAxis!]} on axis ${p.inAxis}; the calibration statistics belong to another model.`,
            { param: p.id },
          );
        }
        const scale = broadcastChannels(p.shape, p.inAxis!, norms);
        for (let i = 0; i < w.length; i++) w[i] *= scale[i];
        return w;
      },
    },
    groupOptions(name, opts),
  );
}
