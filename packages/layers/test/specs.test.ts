import { InvalidArgumentError, specProblems, UnsupportedLayerError } from '@prunekit/core';
import { describe, expect, it } from 'vitest';
import {
  analyzeChannels,
  buildGraph,
  builtinLayerSpecs,
  getLayerSpec,
  layerSpecs,
  refusedLayerClasses,
  registerLayerSpec,
  unregisterLayerSpec,
} from '../src/index.js';
import { ChannelGain, channelGainSpec } from './fixtures/channel_gain_layer.js';
import { tf, tfl } from './fixtures.js';
import { expectEquivalent, seed } from './structured_helpers.js';

/** Every Layer subclass tfjs-layers registers for deserialisation: the classes it ships. */
function tfjsLayerClasses(): string[] {
  const map = tf.serialization.SerializationMap.getMap().classNameMap as Record<string, [unknown, unknown]>;
  return Object.keys(map)
    .filter((k) => (map[k][0] as { prototype: unknown }).prototype instanceof tfl.layers.Layer)
    .filter((k) => k !== ChannelGain.className)
    .sort();
}

describe('layer spec registry', () => {
  it('every built-in spec is complete and names a class tfjs-layers ships', () => {
    const shipped = new Set(tfjsLayerClasses());
    expect(builtinLayerSpecs.length).toBeGreaterThan(35);
    for (const s of builtinLayerSpecs) {
      expect(specProblems(s, 'layers'), s.name).toEqual([]);
      expect(shipped.has(s.name), `${s.name} is not a tfjs-layers class`).toBe(true);
    }
    expect(new Set(builtinLayerSpecs.map((s) => s.name)).size).toBe(builtinLayerSpecs.length);
  });

  it('every class tfjs-layers ships is registered or refused with a reason, never both', () => {
    const classes = tfjsLayerClasses();
    expect(classes.length).toBeGreaterThan(60);
    const refused = new Map(refusedLayerClasses.map((r) => [r.name, r.reason]));
    const neither = classes.filter((c) => !getLayerSpec(c) && !refused.has(c));
    expect(neither).toEqual([]);
    const both = classes.filter((c) => getLayerSpec(c) && refused.has(c));
    expect(both).toEqual([]);
    for (const [name, reason] of refused) expect(reason.length, name).toBeGreaterThan(20);
  });

  it('a refused class is refused by buildGraph with a typed error that gives the reason', () => {
    const m = tfl.sequential({
      layers: [tfl.layers.permute({ inputShape: [3, 4], dims: [2, 1], name: 'perm' })],
    });
    expect(() => buildGraph(m)).toThrow(UnsupportedLayerError);
    expect(() => buildGraph(m)).toThrow(expect.objectContaining({ code: 'E_UNSUPPORTED_LAYER' }));
    expect(() => buildGraph(m)).toThrow(
      /'perm'.*'Permute'.*opaque: \['perm'\].*does not support it: it moves or mixes axes/,
    );
    m.dispose();
  });

  it('SpatialDropout1D and AlphaDropout build graphs and carry their channels', async () => {
    const x = tfl.input({ shape: [10, 3] });
    const c1 = tfl.layers.conv1d({ filters: 6, kernelSize: 3, name: 'c1' }).apply(x) as tfl.SymbolicTensor;
    const d1 = tfl.layers.spatialDropout1d({ rate: 0.2, name: 'sd' }).apply(c1) as tfl.SymbolicTensor;
    const d2 = tfl.layers.alphaDropout({ rate: 0.2, name: 'ad' }).apply(d1) as tfl.SymbolicTensor;
    const c2 = tfl.layers.conv1d({ filters: 2, kernelSize: 3, name: 'c2' }).apply(d2) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: x, outputs: c2 });
    seed(m);
    const g = buildGraph(m);
    expect(g.node('sd').className).toBe('SpatialDropout1D');
    expect(g.node('ad').macs).toBe(0);
    expect(analyzeChannels(g).groups.map((gr) => gr.id)).toEqual(['c1']);
    const shapes = await expectEquivalent(m);
    expect(shapes.get('c2')![0]).toEqual([3, 3, 2]);
    m.dispose();
  });

  it('refuses an incomplete spec, naming what is missing', () => {
    expect(() =>
      registerLayerSpec({ format: 'layers', name: 'Half', params: {}, macs: () => 0 } as never),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      registerLayerSpec({ format: 'layers', name: 'Half', params: {}, macs: () => 0 } as never),
    ).toThrow(/structured\.analyze/);
    expect(() =>
      registerLayerSpec({
        format: 'graph-model',
        name: 'Half',
        params: { k: { role: 'kernel', outAxis: -1 } },
        macs: () => 0,
        structured: { analyze: () => ({ output: { size: 0, segments: [] } }) },
      } as never),
    ).toThrow(/format must be 'layers'.*params\.k\.outAxis/);
    expect(layerSpecs.get('Half')).toBeUndefined();
  });

  it('a new Keras layer class is one file plus one registration line: graph, groups and surgery work', async () => {
    const x = tfl.input({ shape: [6, 6, 2] });
    const c1 = tfl.layers
      .conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'c1' })
      .apply(x) as tfl.SymbolicTensor;
    const gain = new ChannelGain({ name: 'gain' }).apply(c1) as tfl.SymbolicTensor;
    const c2 = tfl.layers.conv2d({ filters: 2, kernelSize: 1, name: 'c2' }).apply(gain) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: x, outputs: c2 });
    seed(m);
    expect(() => buildGraph(m)).toThrow(UnsupportedLayerError);
    registerLayerSpec(channelGainSpec); // the one line
    try {
      const g = buildGraph(m);
      expect(g.param('gain/gain')).toMatchObject({ role: 'gamma', inAxis: 0, outAxis: 0 });
      const group = analyzeChannels(g).groups.find((gr) => gr.id === 'c1')!;
      expect(group.members.some((mb) => mb.param === 'gain/gain' && mb.role === 'through')).toBe(true);
      const shapes = await expectEquivalent(m);
      expect(shapes.get('gain')![0]).toEqual([2]);
      expect(shapes.get('c2')![0]).toEqual([1, 1, 2, 2]);
    } finally {
      unregisterLayerSpec(channelGainSpec.name);
    }
    expect(getLayerSpec(channelGainSpec.name)).toBeUndefined();
    m.dispose();
  });
});
