import { ShapeError } from '@prunekit/core';

type Shape = readonly (number | null)[];

export const shapeText = (s: Shape): string => `[${s.map((d) => (d === null ? '?' : d)).join(', ')}]`;

/** Whether `labels` (axis 0 excluded) equals `want`; `null` in `want` (a free model dimension) matches anything. */
function fits(labels: readonly number[], want: Shape): boolean {
  return labels.length === want.length + 1 && want.every((d, i) => d === null || d === labels[i + 1]);
}

/**
 * Labels for a classifier with output [n, …, classes]: one-hot ([n, …, classes]) or class indices
 * ([n, …], or [n, 1] for a plain [n, classes] output). Throws ShapeError naming both shapes otherwise.
 */
export function checkClassLabels(labels: readonly number[], output: Shape, field: string): void {
  const rest = output.slice(1);
  const positions = rest.slice(0, -1);
  const ok = fits(labels, rest) || fits(labels, positions) || (output.length === 2 && fits(labels, [1]));
  if (ok) return;
  const n = labels[0];
  const forms = [shapeText([n, ...rest]), shapeText([n, ...positions])];
  if (output.length === 2) forms.push(shapeText([n, 1]));
  throw new ShapeError(
    `${field}: labels have shape ${shapeText(labels)} but the model outputs ${shapeText(output)}; ` +
      `give one-hot labels ${forms[0]} or class indices ${forms.slice(1).join(' or ')}.`,
    { field, labels: [...labels], output: [...output] },
  );
}

/** Targets for a regression output: the same shape as the output. Throws ShapeError naming both shapes otherwise. */
export function checkSameShape(labels: readonly number[], output: Shape, field: string): void {
  if (fits(labels, output.slice(1))) return;
  throw new ShapeError(
    `${field}: targets have shape ${shapeText(labels)} but the model outputs ${shapeText(output)}; ` +
      `give targets of shape ${shapeText([labels[0], ...output.slice(1)])}.`,
    { field, labels: [...labels], output: [...output] },
  );
}
