/**
 * The examples' trained models, served as files beside the page and loaded with stock
 * tf.loadLayersModel (weightUrlConverter maps each shard name to its bundled URL).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import laneJson from '../../perception-lane-segmentation/model/model.json?url';
import signJson from '../../perception-traffic-signs/model/model.json?url';

const signShards = import.meta.glob('../../perception-traffic-signs/model/*.bin', {
  query: '?url',
  import: 'default',
  eager: true,
}) as Record<string, string>;
const laneShards = import.meta.glob('../../perception-lane-segmentation/model/*.bin', {
  query: '?url',
  import: 'default',
  eager: true,
}) as Record<string, string>;

const SOURCES = {
  signs: { json: signJson, dir: '../../perception-traffic-signs/model/', shards: signShards },
  lanes: { json: laneJson, dir: '../../perception-lane-segmentation/model/', shards: laneShards },
};

export async function loadBundledModel(which: 'signs' | 'lanes'): Promise<tfl.LayersModel> {
  const s = SOURCES[which];
  return tfl.loadLayersModel(new URL(s.json, self.location.href).href, {
    weightUrlConverter: async (file) => {
      const url = s.shards[`${s.dir}${file}`];
      if (!url) throw new Error(`weight shard ${file} of the ${which} model is missing from the bundle`);
      return new URL(url, self.location.href).href;
    },
  });
}
