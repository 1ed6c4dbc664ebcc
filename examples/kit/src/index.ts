export { arg, timedLog, writeAtomic, writeResults } from './script.js';
export { initWasmBackend } from './backend.js';
export { type Latency, roundRobinLatency } from './latency.js';
