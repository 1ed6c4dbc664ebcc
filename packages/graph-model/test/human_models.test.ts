// Acceptance on real converted models (@vladmandic/human 3.3.6's models/, through the lockfile):
// load, inspect, prune 30% of every prunable group's channels, reload the pruned file in stock
// tfjs and compare with the masked original. The larger models run in `pnpm check:human`.
import { stat } from 'node:fs/promises';
import { magnitude } from '@prunekit/scorers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  analyzeGraphChannels,
  buildGraphModelGraph,
  graphModelBytes,
  planChannelRemoval,
  removeGraphChannels,
} from '../src/index.js';
import { loadGraphModelFile } from '../src/node.js';
import { humanModel, pruneAndCompare, useWasm } from './helpers.js';

beforeAll(useWasm);

describe('graph models of @vladmandic/human 3.3.6', () => {
  it.each(['emotion', 'antispoof', 'liveness', 'blazeface', 'facemesh', 'iris'])(
    '%s: prunes 30% of each prunable group; the pruned file equals the masked original',
    async (name) => {
      const r = await pruneAndCompare(humanModel(name));
      expect(r.leaked).toBe(0);
      const total = r.analysis.groups.reduce((a, g) => a + g.size, 0);
      const removed = [...r.removal.values()].reduce((a, c) => a + c.length, 0);
      expect(r.analysis.groups.length).toBeGreaterThan(0);
      expect(removed / total).toBeGreaterThan(0.25);
      expect(removed / total).toBeLessThanOrEqual(0.3);
      for (const f of r.analysis.frozen) expect(f.reason).toMatch(/\(\w+\)|model input|model output|couples/);
      expect(r.diff).toBeLessThan(1e-4);
      // The comparison can fail: removing channels changes the dense output.
      expect(r.dense).toBeGreaterThan(1e-3);
      expect(graphModelBytes(r.pruned)).toBeLessThan(graphModelBytes(r.source));
    },
  );

  it('uint8-quantized input (handtrack, with a while loop): the pruned file stays uint8 and is smaller than the input', async () => {
    const source = await loadGraphModelFile(humanModel('handtrack'));
    const graph = await buildGraphModelGraph(source);
    const analysis = analyzeGraphChannels(graph);
    const removal = await planChannelRemoval(analysis, { scorer: magnitude(), ratio: 0.3 });
    const pruned = removeGraphChannels(analysis, removal);
    graph.dispose();
    const q = (s: typeof source) =>
      s.json.weightsManifest.flatMap((g) => g.weights).filter((w) => w.quantization?.dtype === 'uint8')
        .length;
    expect(q(pruned)).toBe(q(source));
    const input =
      (await stat(humanModel('handtrack'))).size +
      (await stat(humanModel('handtrack').replace('.json', '.bin'))).size;
    expect(graphModelBytes(pruned)).toBeLessThan(input);
    // Frozen loop nodes name the op that froze them.
    expect(analysis.frozen.some((f) => /\(Enter\) runs inside control flow/.test(f.reason))).toBe(true);
  });
});
