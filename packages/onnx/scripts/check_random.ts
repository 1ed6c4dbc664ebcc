// More graphs than the suite's property test: `pnpm --filter @prunekit/onnx check:random [N] [FIRST]`
// (default 1000 graphs from seed 0). Prints one JSON summary; exits 1 when any graph fails.
import { propertyCase } from '../test/property.js';

const n = Number(process.argv[2] ?? 1000);
const first = Number(process.argv[3] ?? 0);
const started = performance.now();
let groups = 0;
let frozen = 0;
let removed = 0;
let changed = 0;
let worst = 0;
const failures: string[] = [];
for (let seed = first; seed < first + n; seed++) {
  const c = await propertyCase(seed);
  groups += c.groups;
  frozen += c.frozen;
  removed += c.removed;
  if (c.changed) changed++;
  worst = Math.max(worst, c.diff / c.scale);
  if (!c.ok) failures.push(`seed ${seed}: max |pruned − masked| ${c.diff} (scale ${c.scale})`);
}
const summary = {
  graphs: n,
  firstSeed: first,
  failures: failures.length,
  groups,
  frozen,
  channelsRemoved: removed,
  graphsChangedByRemoval: changed,
  worstRelativeDiff: worst,
  seconds: Math.round((performance.now() - started) / 100) / 10,
};
console.log(JSON.stringify(summary, null, 2));
for (const f of failures.slice(0, 20)) console.log(f);
process.exit(failures.length > 0 ? 1 : 0);
