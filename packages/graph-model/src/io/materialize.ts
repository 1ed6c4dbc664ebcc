import { parseInput } from '../json/attrs.js';
import type { GraphModelJson, ManifestWeight, NodeDef } from '../json/model_json.js';
import { encodeWeight, type WeightDtypeMode, type WeightValues } from '../weights/codec.js';
import { type GraphModelSource, graphModelSource } from './source.js';

/** New values for the Const feeding input `slot` (tensor inputs counted, control inputs not) of `consumer`. */
export interface ConstOverride {
  readonly constName: string;
  readonly consumer: string;
  readonly slot: number;
  readonly values: WeightValues;
  readonly shape: readonly number[];
}

/** Options of writeGraphModel: the dtype of the weights written. */
export interface WriteGraphOptions {
  /** 'keep' (default): each weight keeps its input dtype and quantization; 'float32': dequantize. */
  readonly dtype?: WeightDtypeMode;
}

function sameValues(a: WeightValues, b: WeightValues): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameShape(a: readonly number[], b: readonly number[]) {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Position in node.input of tensor input `slot` (control inputs are skipped when counting). */
function inputPosition(node: NodeDef, slot: number): number {
  let k = 0;
  const list = node.input ?? [];
  for (let i = 0; i < list.length; i++) {
    if (parseInput(list[i]).control) continue;
    if (k === slot) return i;
    k++;
  }
  return -1;
}

/**
 * A new graph model: the source's GraphDef with Const values replaced. A Const whose readers
 * now need different values is split into one Const per distinct value. Every weight is encoded
 * as the input stored it unless `dtype: 'float32'`. The source is not touched.
 */
export function writeGraphModel(
  source: GraphModelSource,
  overrides: readonly ConstOverride[],
  opts: WriteGraphOptions = {},
): GraphModelSource {
  const nodes: NodeDef[] = structuredClone(source.nodes) as NodeDef[];
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const values = new Map<string, { values: WeightValues; shape: readonly number[] }>();
  const byConst = new Map<string, ConstOverride[]>();
  for (const o of overrides) byConst.set(o.constName, [...(byConst.get(o.constName) ?? []), o]);
  const added: NodeDef[] = [];
  const origin = new Map<string, string>();
  for (const [name, list] of byConst) {
    const variants: { values: WeightValues; shape: readonly number[]; readers: ConstOverride[] }[] = [];
    for (const o of list) {
      const v = variants.find((x) => sameShape(x.shape, o.shape) && sameValues(x.values, o.values));
      if (v) v.readers.push(o);
      else variants.push({ values: o.values, shape: o.shape, readers: [o] });
    }
    const [first, ...rest] = variants;
    values.set(name, first);
    rest.forEach((v, k) => {
      let copy = `${name}/pk_${k + 1}`;
      while (byName.has(copy)) copy += '_';
      const def: NodeDef = structuredClone(byName.get(name)!) as NodeDef;
      def.name = copy;
      added.push(def);
      byName.set(copy, def);
      values.set(copy, v);
      origin.set(copy, name);
      for (const r of v.readers) {
        const consumer = byName.get(r.consumer)!;
        const at = inputPosition(consumer, r.slot);
        const old = parseInput(consumer.input![at]);
        consumer.input![at] = old.index === 0 ? copy : `${copy}:${old.index}`;
      }
    });
  }
  const all = [...nodes, ...added];
  const weights: ManifestWeight[] = [];
  const parts: Uint8Array[] = [];
  for (const n of all) {
    if (n.op !== 'Const') continue;
    const orig = source.consts.get(origin.get(n.name) ?? n.name);
    if (!orig) continue;
    const v = values.get(n.name) ?? { values: orig.values, shape: orig.spec.shape };
    const enc = encodeWeight({ ...orig.spec, name: n.name }, v.values, v.shape, opts.dtype ?? 'keep');
    weights.push(enc.spec);
    parts.push(enc.bytes);
    const tensor = n.attr?.value?.tensor;
    if (tensor) tensor.tensorShape = v.shape.length ? { dim: v.shape.map((d) => ({ size: String(d) })) } : {};
  }
  const total = parts.reduce((a, p) => a + p.byteLength, 0);
  const data = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.byteLength;
  }
  const json: GraphModelJson = {
    ...source.json,
    modelTopology: { ...source.json.modelTopology, node: all },
    weightsManifest: [{ paths: ['weights.bin'], weights }],
  };
  return graphModelSource(json, data.buffer, source.label);
}
