export { DEFAULT_MIN_WORK, type Threads, type ThreadsOptions, useThreads } from './use_threads.js';
