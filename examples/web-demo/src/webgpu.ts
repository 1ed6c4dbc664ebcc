/** WebGPU detection, shared by the page (backend picker) and the workers (no tfjs here). */
interface GpuLike {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string } } | null>;
}

/**
 * Why WebGPU cannot run here, or undefined when it can: no `navigator.gpu` (the browser lacks
 * WebGPU), or no adapter (it has the API but no usable GPU, as headless Chromium on Linux without
 * `--enable-unsafe-webgpu`). Works in the page and in workers.
 */
export async function webgpuMissing(): Promise<string | undefined> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return 'not available: this browser has no WebGPU (navigator.gpu is missing)';
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return 'not available: WebGPU is present but no GPU adapter was found';
  return undefined;
}
