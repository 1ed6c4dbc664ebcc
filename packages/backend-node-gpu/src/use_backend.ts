import * as tf from '@tensorflow/tfjs-core';
import { type AdapterInfo, BackendError, activate } from '@prunekit/core';
import {
  type AdapterStrategy,
  adapterName,
  defaultStrategies,
  isSoftwareAdapter,
} from './adapter_strategies.js';
import { type AdapterAttempt, installNavigatorGpu, loadDawn, requestAdapter } from './dawn.js';
import { registerAllKernels } from './register_all_kernels.js';

/** Options of useBackend() in Node: which Dawn adapter strategies to try, in order. */
export interface UseBackendOptions {
  /** Adapter strategies in order of preference (default: hardware, opengles, swiftshader). */
  readonly strategies?: readonly AdapterStrategy[];
}

/** The Dawn adapter useBackend() ended up on: its name, the strategy that found it, whether it is software, its feature level and the strategies skipped. */
export interface NodeGpuInfo extends AdapterInfo {
  /** The strategy that produced the adapter. */
  readonly strategy: string;
  readonly software: boolean;
  readonly featureLevel: 'core' | 'compatibility';
  /** Strategies tried before, and why they were passed over. */
  readonly skipped: readonly { name: string; reason: string }[];
}

let active: NodeGpuInfo | undefined;

/** The adapter useBackend() settled on, or undefined before it ran. */
export function currentAdapter(): NodeGpuInfo | undefined {
  return active;
}

// Limits tfjs's kernels (and ours: up to 5 inputs + output) need beyond WebGPU's defaults, which
// compatibility mode sets low (4 storage buffers per stage).
const WANTED_LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
  'maxStorageBuffersPerShaderStage',
] as const;

/**
 * Starts tfjs's 'webgpu' backend in Node on a Dawn adapter and registers prunekit's WGSL kernels.
 * Tries each strategy in order (the real GPU first; on a CPU-only machine Mesa's llvmpipe over
 * OpenGL ES, then SwiftShader's Vulkan driver) and reports which adapter it got. Throws a
 * BackendError naming every failed strategy when none gives an adapter.
 */
export async function useBackend(opts: UseBackendOptions = {}): Promise<NodeGpuInfo> {
  if (active && tf.findBackend('webgpu')) {
    // Already set up: switch back to it (re-creating it would drop the tensors it holds).
    await activate('webgpu');
    return active;
  }
  const strategies = opts.strategies ?? defaultStrategies;
  await loadDawn();
  const skipped: { name: string; reason: string }[] = [];
  let got: (AdapterAttempt & { strategy: AdapterStrategy }) | undefined;
  for (const strategy of strategies) {
    const attempt = await requestAdapter(strategy);
    if (attempt.adapter) {
      got = { ...attempt, strategy };
      break;
    }
    skipped.push({ name: strategy.name, reason: attempt.reason ?? 'no adapter' });
  }
  if (!got?.adapter || !got.gpu) {
    const lines = skipped.map((s) => `  - ${s.name}: ${s.reason}`).join('\n');
    throw new BackendError(
      `No WebGPU adapter from Dawn:\n${lines}\n` +
        "On a CPU-only Linux machine install Mesa's EGL (libegl1, libegl-mesa0) or Debian's chromium " +
        "(for SwiftShader, with libvulkan1); otherwise use the 'wasm' backend (@prunekit/backend-wasm).",
      { skipped },
    );
  }
  const { adapter, gpu, strategy } = got;
  installNavigatorGpu(gpu);
  // Importing the tfjs backend now lets it see navigator.gpu; its own factory would ask for a
  // default adapter (none exists in compatibility mode), so ours replaces it with the one we chose.
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  const device = await adapter.requestDevice({
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: Object.fromEntries(WANTED_LIMITS.map((k) => [k, adapter.limits[k]])),
  });
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, adapter.info), 3);
  registerAllKernels();
  await activate('webgpu');
  const featureLevel =
    (adapter as { featureLevel?: string }).featureLevel === 'compatibility' ? 'compatibility' : 'core';
  active = {
    name: adapterName(adapter.info),
    strategy: strategy.name,
    software: isSoftwareAdapter(adapter.info),
    featureLevel: strategy.request.featureLevel === 'compatibility' ? 'compatibility' : featureLevel,
    skipped,
  };
  return active;
}
