// Training kernels for 'wasm', compiled to build/train.wasm. Every function works on f32 buffers
// the host placed in this module's memory (byte offsets), allocates nothing, and writes its whole
// output.
export { heapBase } from './memory';
export { padChannels, unpadChannels } from './pad_channels';
export { conv2dBackpropFilter } from './conv2d_backprop_filter';
export { depthwiseBackpropInput } from './depthwise_backprop_input';
export { depthwiseBackpropFilter } from './depthwise_backprop_filter';
export { maxPoolGrad } from './max_pool_grad';
export { unsortedSegmentSum } from './unsorted_segment_sum';
