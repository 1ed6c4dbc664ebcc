import { describe, expect, it } from 'vitest';
import { channelAxis, compressModel, decodeCompressed, kernelsOnly } from '../src/index.js';
import { tf, tfl, useCpu } from './helpers.js';

describe('compression reads channel axes and kernel roles from the layer specs', () => {
  it('int8 scales lie along each kernel axis its spec states; biases stay raw', async () => {
    await useCpu();
    const before = tf.memory().numTensors;
    const model = tfl.sequential({
      layers: [
        tfl.layers.depthwiseConv2d({ inputShape: [6, 6, 3], kernelSize: 3, depthMultiplier: 2, name: 'dw' }),
        tfl.layers.conv2dTranspose({ filters: 5, kernelSize: 3, name: 'up' }),
        tfl.layers.flatten({ name: 'flat' }),
        tfl.layers.dense({ units: 4, name: 'fc' }),
      ],
    });
    const { bytes } = await compressModel(model, { weights: 'int8' });
    const { entries } = decodeCompressed(bytes);
    const axisOf = (name: string) => entries.find((e) => e.name === name)!;
    // Depthwise [3, 3, 3, 2]: channels on axis 2 (its inAxis); Conv2DTranspose [3, 3, 5, 6]: its
    // output channels on axis 2; Dense [in, 4]: axis 1.
    expect(axisOf('dw/depthwise_kernel')).toMatchObject({ encoding: 'int8', axis: 2 });
    expect(axisOf('up/kernel')).toMatchObject({ encoding: 'int8', axis: 2 });
    expect(axisOf('fc/kernel')).toMatchObject({ encoding: 'int8', axis: 1 });
    expect(axisOf('fc/bias').encoding).toBe('raw');
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a weight without a spec is not a kernel by default and scales along its last axis', () => {
    expect(kernelsOnly('custom/kernel', [3, 4])).toBe(false);
    expect(kernelsOnly('x/k', [3, 4], { role: 'kernel', inAxis: 0, outAxis: 1 })).toBe(true);
    expect(channelAxis([3, 4, 5])).toBe(2);
    expect(channelAxis([3, 4, 5], { role: 'kernel', outAxis: 0 })).toBe(0);
  });
});
