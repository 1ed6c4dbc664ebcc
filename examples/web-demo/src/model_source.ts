/** The traffic-sign example's trained model, bundled by Vite (JSON inline, weight shards as assets). */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import modelJson from '../../perception-traffic-signs/model/model.json';

const shardUrls = import.meta.glob('../../perception-traffic-signs/model/*.bin', {
  query: '?url',
  import: 'default',
  eager: true,
}) as Record<string, string>;

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

export async function loadSignModel(): Promise<tfl.LayersModel> {
  const json = modelJson as unknown as ModelJson;
  const buffers: ArrayBuffer[] = [];
  for (const g of json.weightsManifest) {
    for (const p of g.paths) {
      const url = shardUrls[`../../perception-traffic-signs/model/${p}`];
      if (!url) throw new Error(`weight shard ${p} is missing from the bundle`);
      buffers.push(await (await fetch(url)).arrayBuffer());
    }
  }
  const total = buffers.reduce((a, b) => a + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: weightData.buffer,
    }),
  );
}
