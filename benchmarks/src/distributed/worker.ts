/** A worker process of bench:distributed: `worker.ts <queue> <id> <valCount>`; prints `ready`. */
import { sensitivityHandlers, startWorker } from '@prunekit/distributed';
import { openSweep } from './sweep_setup.js';

const [queue, id, valCount] = process.argv.slice(2);
const sweep = await openSweep(Number(valCount));
const handlers = sensitivityHandlers(sweep.graph, sweep.worker);
// Warm-up: the first forward pass compiles and allocates; keep it out of the timed sweep.
await sweep.worker.evaluate(sweep.graph.source as never);
const worker = await startWorker({ queue, id, identity: sweep.identity, handlers });
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void worker.close().then(() => {
    sweep.dispose();
    process.exit(0);
  });
});
