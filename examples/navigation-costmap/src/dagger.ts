/**
 * DAgger (Ross, Gordon, Bagnell 2011) for fine-tuning: roll a policy out on maps, keep every
 * state it visits labelled with the expert's heading there (including the state where it
 * collided), add those rows to the fine-tuning demonstrations, train, repeat. Pruning shifts which states
 * a policy reaches; this teaches it the expert's answer in exactly those states.
 */
import { concatRows } from '@prunekit/example-kit';
import type * as tfl from '@tensorflow/tfjs-layers';
import { closedLoop, modelPolicy, type RolloutOptions } from './closed_loop.js';
import { disposeSplit, type Split, toSplit } from './data.js';
import type { Demonstrations } from './sim/dataset.js';
import type { Episode } from './sim/maps.js';
import { observationSize } from './sim/observe.js';
import { type FitConfig, fit } from './train.js';

/** The states `model` visits on `episodes`, labelled by the expert. */
export function visitedStates(
  model: tfl.LayersModel,
  episodes: readonly Episode[],
  rollout: RolloutOptions,
): Demonstrations {
  const size = observationSize(rollout.radius);
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  closedLoop(modelPolicy(model, rollout.radius), episodes, {
    ...rollout,
    record: (x, row, expert) => {
      rows.push(x.slice(row * size, (row + 1) * size));
      labels.push(expert);
    },
  });
  const x = new Float32Array(rows.length * size);
  rows.forEach((r, i) => {
    x.set(r, i * size);
  });
  return { x, y: Uint8Array.from(labels), count: rows.length, radius: rollout.radius };
}

export interface DaggerOptions {
  /** Expert demonstrations every round starts from. */
  readonly demos: Demonstrations;
  /** Maps the policy drives to collect states, split evenly over the rounds. */
  readonly maps: readonly Episode[];
  readonly rounds: number;
  readonly rollout: RolloutOptions;
  readonly val: Split;
  /** Training settings of each round (its epochs are per round). */
  readonly fit: FitConfig;
}

/**
 * `rounds` rounds of: drive fresh maps, add the visited states (aggregated over rounds), train.
 * Returns the epochs run and the states added.
 */
export async function daggerFineTune(
  model: tfl.LayersModel,
  o: DaggerOptions,
): Promise<{ epochs: number; visited: number }> {
  let data = o.demos;
  let epochs = 0;
  const per = Math.ceil(o.maps.length / o.rounds);
  for (let k = 0; k < o.rounds; k++) {
    data = concatRows(data, visitedStates(model, o.maps.slice(k * per, (k + 1) * per), o.rollout));
    const split = toSplit(data);
    try {
      epochs += (await fit(model, split, o.val, o.fit)).history.length;
    } finally {
      disposeSplit(split);
    }
  }
  return { epochs, visited: data.count - o.demos.count };
}
