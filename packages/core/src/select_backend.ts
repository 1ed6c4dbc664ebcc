import * as tf from '@tensorflow/tfjs-core';
import { BackendError, InvalidArgumentError } from './errors.js';
import type { BackendAdapter } from './interfaces.js';

/** What an adapter can tell about the device it runs on (GPU name, renderer, driver…). */
export interface AdapterInfo {
  /** A human-readable device name, e.g. 'NVIDIA H200 (vulkan)' or 'SwiftShader'. */
  readonly name: string;
  readonly [key: string]: unknown;
}

/**
 * A BackendAdapter that may also say why it cannot run here and what device it got.
 * Both hooks are optional: selectBackend works with the plain core interface.
 */
export interface DescribedBackendAdapter extends BackendAdapter {
  /** Why isSupported() said no, in words a user can act on. */
  whyUnsupported?(): string | Promise<string>;
  /** The device this adapter ended up on (call after init()). */
  info?(): AdapterInfo | Promise<AdapterInfo>;
}

/** A preferred backend selectBackend passed over, and why. */
export interface SkippedBackend {
  readonly name: string;
  readonly reason: string;
}

/** What selectBackend chooses from: backend names in order of preference and the adapters that start them. */
export interface SelectBackendOptions {
  /** Backend names in order of preference, e.g. ['webgpu', 'webgl', 'wasm', 'cpu']. */
  readonly prefer: readonly string[];
  /**
   * The adapters to choose from (matched by `name`). 'cpu' needs none: the built-in cpuAdapter is
   * used when no adapter named 'cpu' is given.
   */
  readonly adapters?: readonly BackendAdapter[];
}

/** The backend selectBackend activated, its adapter and device, and the preferred ones it skipped. */
export interface SelectedBackend {
  /** The tfjs backend now active (checked against tf.getBackend()). */
  readonly backend: string;
  readonly adapter: BackendAdapter;
  readonly info: AdapterInfo;
  /** Preferred backends that were passed over, in order, and why. */
  readonly skipped: readonly SkippedBackend[];
}

/**
 * Every backend prunekit provides and the adapter that starts it, so a missing adapter is named.
 * 'cpu' needs none (cpuAdapter is built in).
 */
export const PRUNEKIT_BACKENDS: Readonly<Record<string, string>> = {
  cpu: "cpuAdapter (built in; needs import '@tensorflow/tfjs-backend-cpu')",
  wasm: "wasmAdapter() from '@prunekit/backend-wasm' (tfjs-wasm SIMD + prunekit's kernels)",
  webgl: "webglAdapter() from '@prunekit/backend-webgl' (browser WebGL2)",
  webgpu:
    "browserWebgpuAdapter() from '@prunekit/backend-node-gpu/browser' in a browser, " +
    "nodeGpuAdapter() from '@prunekit/backend-node-gpu' in Node (Dawn)",
};

/** tfjs's pure-JS backend; needs `import '@tensorflow/tfjs-backend-cpu'` somewhere in the program. */
export const cpuAdapter: DescribedBackendAdapter = {
  name: 'cpu',
  tfBackend: 'cpu',
  kernels: [],
  async isSupported() {
    return tf.findBackendFactory('cpu') != null;
  },
  whyUnsupported() {
    return "tfjs's 'cpu' backend is not registered: add import '@tensorflow/tfjs-backend-cpu'";
  },
  async init() {
    await activate('cpu');
  },
  info() {
    return { name: 'tfjs cpu (JavaScript)' };
  },
};

/**
 * Activates `tfBackend` and checks that tfjs really switched to it. tfjs answers a failed backend
 * start with `false` (or by quietly keeping the old one); this turns both into a BackendError.
 */
export async function activate(tfBackend: string): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(tfBackend);
    await tf.ready();
  } catch (e) {
    throw new BackendError(`tfjs could not start the '${tfBackend}' backend: ${(e as Error).message}`, {
      backend: tfBackend,
    });
  }
  const active = tf.getBackend();
  if (!ok || active !== tfBackend) {
    throw new BackendError(
      `tfjs did not start the '${tfBackend}' backend (active backend: '${active}'). ` +
        `prunekit does not run silently on a fallback; pick another backend explicitly.`,
      { backend: tfBackend, active },
    );
  }
}

/**
 * Tries each preferred backend in order and activates the first one that starts for real.
 * Every backend passed over is reported with its reason; when none starts, throws a BackendError
 * naming each failure and the backend to use instead.
 */
export async function selectBackend(opts: SelectBackendOptions): Promise<SelectedBackend> {
  if (!opts || !Array.isArray(opts.prefer) || opts.prefer.length === 0) {
    throw new InvalidArgumentError(
      "selectBackend: 'prefer' must be a non-empty list of backend names, e.g. ['webgpu', 'webgl', 'wasm', 'cpu'].",
      { field: 'prefer' },
    );
  }
  const adapters = opts.adapters ?? [];
  const skipped: SkippedBackend[] = [];
  for (const name of opts.prefer) {
    const adapter = adapters.find((a) => a.name === name) ?? (name === 'cpu' ? cpuAdapter : undefined);
    if (!adapter) {
      const given = adapters.map((a) => a.name).join(', ') || 'none';
      const known = PRUNEKIT_BACKENDS[name];
      const hint = known
        ? `; pass ${known}`
        : `; prunekit's backends: ${Object.keys(PRUNEKIT_BACKENDS).join(', ')}`;
      skipped.push({
        name,
        reason: `no adapter named '${name}' was passed in 'adapters' (given: ${given})${hint}`,
      });
      continue;
    }
    const reason = await tryAdapter(adapter as DescribedBackendAdapter);
    if (reason !== undefined) {
      skipped.push({ name, reason });
      continue;
    }
    const described = adapter as DescribedBackendAdapter;
    const info = described.info ? await described.info() : { name: adapter.tfBackend };
    return { backend: tf.getBackend(), adapter, info, skipped };
  }
  const lines = skipped.map((s) => `  - ${s.name}: ${s.reason}`).join('\n');
  const fallback = opts.prefer.includes('cpu')
    ? "import '@tensorflow/tfjs-backend-cpu' so the 'cpu' backend can start"
    : "add 'cpu' (or 'wasm' with @prunekit/backend-wasm) to 'prefer'";
  throw new BackendError(`No preferred backend started:\n${lines}\nTo run anyway, ${fallback}.`, {
    prefer: [...opts.prefer],
    skipped,
  });
}

/** Returns undefined when the adapter is active, else why it was skipped. */
async function tryAdapter(adapter: DescribedBackendAdapter): Promise<string | undefined> {
  try {
    if (!(await adapter.isSupported())) {
      return adapter.whyUnsupported ? await adapter.whyUnsupported() : 'not supported in this environment';
    }
    await adapter.init();
  } catch (e) {
    return (e as Error).message;
  }
  const active = tf.getBackend();
  if (active !== adapter.tfBackend) {
    return `asked for tfjs backend '${adapter.tfBackend}' but tfjs is running on '${active}' (silent fallback refused)`;
  }
  return undefined;
}
