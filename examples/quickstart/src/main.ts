import { fileURLToPath } from 'node:url';
import { formatMetricsTable, quickstart } from './quickstart.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const r = await quickstart({
  model: here('../../perception-traffic-signs/model/model.json'),
  out: here('../out/signs-pruned'),
  trainCount: 2000,
  epochs: 3,
});
console.log(formatMetricsTable(r.after));
console.log(`MACs ${r.before.macs} → ${r.after.macs} (${(r.before.macs / r.after.macs).toFixed(2)}x fewer)`);
console.log('last epoch', r.history.at(-1));
