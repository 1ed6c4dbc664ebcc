import type { Refusal } from '@prunekit/core';

const recurrent =
  'recurrent layers keep state across time steps and their gates share one kernel; channel and weight pruning of them is not implemented';
const volumetric = '3-D layers are not implemented (no 3-D MACs, channel rules or sparse kernels)';
const nested =
  'nested models kept whole (buildGraph opaque) are one node with no channel rule: leave them out of opaque and buildGraph flattens them into their layers, or ignore them';
const axes = 'it moves or mixes axes in a way no rule follows channels through';
const preprocessing = 'a preprocessing layer belongs before the model, not in what is pruned';

/** tfjs-layers classes prunekit knows and does not support, each with the reason users see. */
export const refusedLayerClasses: readonly Refusal[] = [
  ...['RNN', 'SimpleRNN', 'SimpleRNNCell', 'GRU', 'GRUCell', 'LSTM', 'LSTMCell', 'StackedRNNCells'].map(
    (name) => ({ name, reason: recurrent }),
  ),
  ...['ConvLSTM2D', 'ConvLSTM2DCell'].map((name) => ({ name, reason: recurrent })),
  { name: 'Bidirectional', reason: `a wrapper around a recurrent layer; ${recurrent}` },
  {
    name: 'TimeDistributed',
    reason: 'a wrapper that applies an inner layer per time step; wrappers are not analysed',
  },
  ...['Conv3D', 'Conv3DTranspose', 'MaxPooling3D', 'AveragePooling3D'].map((name) => ({
    name,
    reason: volumetric,
  })),
  ...['Sequential', 'Model', 'Functional'].map((name) => ({ name, reason: nested })),
  { name: 'Embedding', reason: 'embedding tables are indexed by token, not by channel; not implemented' },
  { name: 'Dot', reason: axes },
  { name: 'Permute', reason: axes },
  { name: 'RepeatVector', reason: axes },
  { name: 'Masking', reason: 'it changes which time steps later layers see; not implemented' },
  ...['CategoryEncoding', 'CenterCrop', 'RandomWidth', 'Rescaling', 'Resizing'].map((name) => ({
    name,
    reason: preprocessing,
  })),
];
