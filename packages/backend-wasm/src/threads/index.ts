export {
  DEFAULT_MIN_WORK,
  DEFAULT_SPIN_MS,
  type Threads,
  type ThreadsOptions,
  useThreads,
} from './use_threads.js';
