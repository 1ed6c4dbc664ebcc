/**
 * Counting a safety event once per encounter. A simulator checks a condition every step (time to
 * collision below a threshold, deceleration beyond one). A condition that holds for several steps
 * in a row is one event, counted at its onset, so a long brake or a slow pass is not counted many
 * times.
 */

/** Per-row state of a condition: counts the steps where it turns on after being off. */
export class OnsetCounter {
  private readonly on: Uint8Array;

  /** `rows`: how many independent drivers (egos, episodes) the counter follows. */
  constructor(rows: number) {
    this.on = new Uint8Array(rows);
  }

  /** Records this step's condition of `row`. Returns 1 at an onset (off → on), else 0. */
  step(row: number, active: boolean): 0 | 1 {
    const was = this.on[row];
    this.on[row] = active ? 1 : 0;
    return active && !was ? 1 : 0;
  }
}

/**
 * Hard braking from a speed trace: the mean deceleration over the last `window` steps is above
 * `threshold` (m/s²). Each row keeps a ring of its last `window` speeds. Until a row has that many
 * (after the start or a restart), it is not judged.
 */
export class HardBraking {
  private readonly ring: Float64Array;
  private readonly seen: Int32Array;
  private readonly onsets: OnsetCounter;

  constructor(
    rows: number,
    private readonly window: number,
    private readonly dt: number,
    private readonly threshold: number,
  ) {
    if (!(Number.isInteger(window) && window >= 1))
      throw new RangeError(`HardBraking: window must be an integer ≥ 1 step, got ${window}.`);
    this.ring = new Float64Array(rows * window);
    this.seen = new Int32Array(rows);
    this.onsets = new OnsetCounter(rows);
  }

  /**
   * Records `row`'s speed after a step (m/s). Returns 1 when a hard brake begins at this step.
   * `restart`: the speed changed by something other than braking (a collision, counted as such);
   * the window starts over from this speed.
   */
  step(row: number, v: number, restart = false): 0 | 1 {
    const w = this.window;
    if (restart) this.seen[row] = 0;
    const k = this.seen[row] % w;
    const old = this.ring[row * w + k];
    const judged = this.seen[row] >= w;
    this.ring[row * w + k] = v;
    this.seen[row]++;
    return this.onsets.step(row, judged && (old - v) / (w * this.dt) > this.threshold);
  }
}
