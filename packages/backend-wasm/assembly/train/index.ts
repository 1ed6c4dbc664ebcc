// Training kernels for 'wasm', compiled to build/train.wasm with tfjs-backend-wasm's memory
// imported: every function works in place on tensors and scratch buffers of that heap (byte
// offsets the host passes), allocates nothing, and writes its whole output. The module has no data
// segments, so instantiating it writes nothing into the imported memory.
export { padChannels, unpadChannels } from './pad_channels';
export { conv2dBackpropFilter } from './conv2d_backprop_filter';
export { depthwiseBackpropInput } from './depthwise_backprop_input';
export { depthwiseBackpropFilter } from './depthwise_backprop_filter';
export { maxPoolGrad } from './max_pool_grad';
export { flipFilter } from './flip_filter';
export { unsortedSegmentSum } from './unsorted_segment_sum';
export { columnSum } from './column_sum';
export { addBias } from './add_bias';
export { reluGrad } from './relu_grad';
