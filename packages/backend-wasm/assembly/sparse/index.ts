// Sparse kernels for tfjs-backend-wasm. The module imports the backend's own memory and owns no
// data: the host passes pointers to tensors and scratch it allocated with the backend's malloc.
export { csrRows } from './csr_rows';
export { bsrRows } from './bsr_rows';
export { stridedRows } from './strided';
export { bsrOffsets, convOffsets, csrOffsets, nmOffsets, packPlanes, planesPool, planesToNhwc, transpose } from './layout';
export { spmmKn, spmmNk } from './panel';
