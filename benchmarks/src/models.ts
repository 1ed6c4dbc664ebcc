// Model shapes the benchmarks build with tfjs-layers (weights seeded by the caller).
import * as tfl from '@tensorflow/tfjs-layers';

type T = tfl.SymbolicTensor;

export class Net {
  private n = 0;
  name(k: string) {
    return `${k}${this.n++}`;
  }
  conv(x: T, filters: number, k: number, strides = 1): T {
    return tfl.layers
      .conv2d({ filters, kernelSize: k, strides, padding: 'same', useBias: false, name: this.name('conv') })
      .apply(x) as T;
  }
  dw(x: T, strides: number): T {
    return tfl.layers
      .depthwiseConv2d({ kernelSize: 3, strides, padding: 'same', useBias: false, name: this.name('dw') })
      .apply(x) as T;
  }
  /** conv → BN → activation, as a model is trained. */
  cba(x: T, filters: number, k: number, strides = 1, act: 'relu' | 'relu6' | 'linear' = 'linear'): T {
    const y = this.bn(this.conv(x, filters, k, strides));
    return act === 'linear' ? y : this.relu(y, act === 'relu6' ? 6 : undefined);
  }
  dba(x: T, strides: number): T {
    return this.relu(this.bn(this.dw(x, strides)), 6);
  }
  bn(x: T): T {
    return tfl.layers.batchNormalization({ name: this.name('bn') }).apply(x) as T;
  }
  relu(x: T, max?: number): T {
    return tfl.layers.reLU({ maxValue: max, name: this.name('relu') }).apply(x) as T;
  }
  add(a: T, b: T): T {
    return tfl.layers.add({ name: this.name('add') }).apply([a, b]) as T;
  }
  head(x: T, classes: number): T {
    const g = tfl.layers.globalAveragePooling2d({ name: this.name('gap') }).apply(x) as T;
    return tfl.layers.dense({ units: classes, name: 'logits' }).apply(g) as T;
  }
}

/** ResNet with basic blocks (ResNet-18/34 style) or bottleneck blocks (ResNet-50 style). */
export function resnet(opts: {
  size: number;
  widths: number[];
  blocks: number[];
  bottleneck: boolean;
  classes: number;
}): tfl.LayersModel {
  const b = new Net();
  const input = tfl.input({ shape: [opts.size, opts.size, 3], name: 'input' });
  let x = b.cba(input, opts.widths[0], 7, 2, 'relu');
  x = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'pool' }).apply(x) as T;
  opts.widths.forEach((w, stage) => {
    for (let i = 0; i < opts.blocks[stage]; i++) {
      const stride = i === 0 && stage > 0 ? 2 : 1;
      const out = opts.bottleneck ? w * 4 : w;
      let y: T;
      if (opts.bottleneck) {
        y = b.cba(x, w, 1, 1, 'relu');
        y = b.cba(y, w, 3, stride, 'relu');
        y = b.cba(y, out, 1);
      } else {
        y = b.cba(x, w, 3, stride, 'relu');
        y = b.cba(y, w, 3);
      }
      const cin = x.shape[3] as number;
      const skip = stride !== 1 || cin !== out ? b.cba(x, out, 1, stride) : x;
      x = b.relu(b.add(skip, y));
    }
  });
  return tfl.model({ inputs: input, outputs: b.head(x, opts.classes), name: 'resnet' });
}

/** MobileNetV2: inverted residuals (1x1 expand, 3x3 depthwise, 1x1 project), ReLU6, adds on stride 1. */
export function mobilenetV2(size: number, classes: number, opts: { top?: boolean } = {}): tfl.LayersModel {
  const b = new Net();
  const input = tfl.input({ shape: [size, size, 3], name: 'input' });
  let x = b.cba(input, 32, 3, 2, 'relu6');
  const cfg: [number, number, number, number][] = [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
  ];
  for (const [t, c, n, s] of cfg) {
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      const cin = x.shape[3] as number;
      let y = t === 1 ? x : b.cba(x, cin * t, 1, 1, 'relu6');
      y = b.dba(y, stride);
      y = b.cba(y, c, 1);
      x = stride === 1 && cin === c ? b.add(x, y) : y;
    }
  }
  x = b.cba(x, 1280, 1, 1, 'relu6');
  // top: false is Keras's include_top=False, the features a transfer-learning model builds on.
  const out = opts.top === false ? x : b.head(x, classes);
  return tfl.model({ inputs: input, outputs: out, name: 'mobilenetv2' });
}
