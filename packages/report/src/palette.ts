/** A colour-blind-safe palette (Okabe–Ito), cycled. */
const COLORS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

export function color(i: number): string {
  return COLORS[i % COLORS.length];
}
