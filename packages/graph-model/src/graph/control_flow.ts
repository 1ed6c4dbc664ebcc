import { parseInput } from '../json/attrs.js';
import type { NodeDef } from '../json/model_json.js';

const CONTROL = /^(Enter|Exit|Merge|Switch|NextIteration|LoopCond|TensorList.*|TensorArray.*)$/;

/**
 * Nodes whose outputs cannot be requested up front: TF1 control-flow ops and tensor lists, and
 * every node inside a while-loop frame (between Enter and Exit). Nodes after a loop's Exit are
 * ordinary tensors again (e.g. a backbone after a tf.map preprocessing loop).
 */
export function controlFlowNodes(
  order: readonly NodeDef[],
  byName: ReadonlyMap<string, NodeDef>,
): Set<string> {
  const depth = new Map<string, number>();
  const out = new Set<string>();
  for (const n of order) {
    let d = 0;
    for (const ref of n.input ?? []) {
      const p = parseInput(ref);
      if (p.control || (byName.get(p.node)?.op === 'NextIteration' && n.op === 'Merge')) continue;
      d = Math.max(d, depth.get(p.node) ?? 0);
    }
    if (n.op === 'Enter') d += 1;
    if (n.op === 'Exit') d = Math.max(0, d - 1);
    depth.set(n.name, d);
    if (d > 0 || CONTROL.test(n.op)) out.add(n.name);
  }
  return out;
}

/** Nodes in an order where every tensor input comes first (GraphDef order is not guaranteed). */
export function topoOrder(nodes: readonly NodeDef[], byName: ReadonlyMap<string, NodeDef>): NodeDef[] {
  const out: NodeDef[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (n: NodeDef) => {
    if (state.get(n.name)) return; // 1 = on the stack (a loop back edge), 2 = done
    state.set(n.name, 1);
    for (const ref of n.input ?? []) {
      const p = parseInput(ref);
      const producer = byName.get(p.node)!;
      if (!p.control && !(n.op === 'Merge' && producer.op === 'NextIteration')) visit(producer);
    }
    state.set(n.name, 2);
    out.push(n);
  };
  for (const n of nodes) visit(n);
  return out;
}
