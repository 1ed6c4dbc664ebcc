import * as tf from '@tensorflow/tfjs-layers';

import { IMAGE_SIZE } from './image.js';

export { IMAGE_SIZE };

/**
 * The traffic-sign CNN: three conv/pool stages, a flatten → dense head. Small enough to train in
 * minutes on two cores, large enough that pruning matters (~90k params, ~2.9M MACs per image).
 */
export function createSignModel(numClasses: number, seed = 1): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed * 100 + s });
  const m = tf.sequential({ name: 'signs' });
  m.add(
    tf.layers.conv2d({
      name: 'conv1',
      inputShape: [IMAGE_SIZE, IMAGE_SIZE, 3],
      filters: 16,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(1),
    }),
  );
  m.add(tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }));
  m.add(
    tf.layers.conv2d({
      name: 'conv2',
      filters: 32,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(2),
    }),
  );
  m.add(tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }));
  m.add(
    tf.layers.conv2d({
      name: 'conv3',
      filters: 64,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(3),
    }),
  );
  m.add(tf.layers.maxPooling2d({ name: 'pool3', poolSize: 2 }));
  m.add(tf.layers.flatten({ name: 'flatten' }));
  m.add(tf.layers.dense({ name: 'fc1', units: 64, activation: 'relu', kernelInitializer: init(4) }));
  m.add(tf.layers.dropout({ name: 'drop', rate: 0.25, seed }));
  m.add(
    tf.layers.dense({ name: 'logits', units: numClasses, activation: 'softmax', kernelInitializer: init(5) }),
  );
  return m;
}
