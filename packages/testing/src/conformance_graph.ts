import type { DependencyGroup } from '@prunekit/core';
import { type TestGraph, createTestGraph } from './test_graph.js';

/**
 * A small hand-made graph with the channel couplings scorers must handle, and its dependency
 * groups:
 *   conv (kernel [3,3,2,4]) → flat (Flatten of 2×2×4) → fc (kernel [16,3]) → head (kernel [3,2])
 * Group 'conv' (4 channels): conv's kernel/bias along their out axes, and fc's kernel rows
 * c, c+4, c+8, c+12 (how a channels-last Flatten spreads one channel). Group 'fc' (3 channels):
 * fc's kernel/bias out, head's kernel in.
 */
export function conformanceGraph(seed = 3): { graph: TestGraph; groups: DependencyGroup[] } {
  const graph = createTestGraph(
    [
      { name: 'input', className: 'InputLayer' },
      {
        name: 'conv',
        className: 'Conv2D',
        params: [
          { name: 'kernel', shape: [3, 3, 2, 4], outAxis: 3, inAxis: 2 },
          { name: 'bias', shape: [4], scale: 0.1 },
        ],
      },
      { name: 'flat', className: 'Flatten' },
      {
        name: 'fc',
        className: 'Dense',
        params: [
          { name: 'kernel', shape: [16, 3] },
          { name: 'bias', shape: [3], scale: 0.1 },
        ],
      },
      { name: 'head', className: 'Dense', params: [{ name: 'kernel', shape: [3, 2] }] },
    ],
    seed,
  );
  const plain = { offset: 0, scale: 1, stride: 1, repeat: 1 };
  const groups: DependencyGroup[] = [
    {
      id: 'conv',
      size: 4,
      roots: ['conv'],
      members: [
        { node: 'conv', param: 'conv/kernel', axis: 3, role: 'out', ...plain },
        { node: 'conv', param: 'conv/bias', axis: 0, role: 'out', ...plain },
        { node: 'flat', axis: 3, role: 'through', ...plain },
        { node: 'fc', param: 'fc/kernel', axis: 0, role: 'in', offset: 0, scale: 1, stride: 4, repeat: 4 },
      ],
    },
    {
      id: 'fc',
      size: 3,
      roots: ['fc'],
      members: [
        { node: 'fc', param: 'fc/kernel', axis: 1, role: 'out', ...plain },
        { node: 'fc', param: 'fc/bias', axis: 0, role: 'out', ...plain },
        { node: 'head', param: 'head/kernel', axis: 0, role: 'in', ...plain },
      ],
    },
  ];
  return { graph, groups };
}
