/**
 * Ways to get a WebGPU adapter from Dawn in Node, as values. Each names the environment it needs,
 * the options for Dawn's `create()` and for `requestAdapter()`, and how to tell whether what it
 * got is acceptable. useBackend tries them in the order given.
 */
export interface AdapterStrategy {
  readonly name: string;
  /** Environment variables Dawn / the driver loaders read when the instance is created. */
  readonly env?: Readonly<Record<string, string>>;
  /** Dawn instance toggles, e.g. 'backend=opengles'. */
  readonly dawnOptions: readonly string[];
  readonly request: GPURequestAdapterOptions & { featureLevel?: 'core' | 'compatibility' };
  /** Why the adapter is not acceptable for this strategy, or undefined when it is. */
  reject(info: GPUAdapterInfo): string | undefined;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render/i;

/** Describes an adapter in one line: vendor, architecture, device and driver text. */
export function adapterName(info: GPUAdapterInfo): string {
  const parts = [info.vendor, info.architecture, info.device, info.description].filter(
    (s) => s && s.length > 0,
  );
  return [...new Set(parts)].join(' / ') || 'unknown adapter';
}

/** Whether a GPU adapter is a software rasteriser (SwiftShader, llvmpipe, lavapipe…), from its info. */
export function isSoftwareAdapter(info: GPUAdapterInfo): boolean {
  return (
    Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter) || SOFTWARE.test(adapterName(info))
  );
}

/** The machine's own GPU through its vendor driver (Vulkan on Linux); software renderers refused. */
export const hardware: AdapterStrategy = {
  name: 'hardware',
  dawnOptions: [],
  request: { powerPreference: 'high-performance' },
  reject: (info) =>
    isSoftwareAdapter(info) ? `only a software renderer was found (${adapterName(info)})` : undefined,
};

/**
 * Dawn's OpenGL ES backend in WebGPU compatibility mode, over EGL without a display. On a
 * CPU-only Linux box this is Mesa's llvmpipe: the faster of the two software paths measured here.
 */
export const opengles: AdapterStrategy = {
  name: 'opengles',
  env: { EGL_PLATFORM: 'surfaceless' },
  dawnOptions: ['backend=opengles'],
  request: { featureLevel: 'compatibility' },
  reject: () => undefined,
};

/**
 * The machine's own GPU through its OpenGL ES driver over EGL (compatibility mode): a second way
 * to reach real hardware where the Vulkan driver cannot be loaded. Software renderers refused.
 */
export const hardwareOpengles: AdapterStrategy = {
  ...opengles,
  name: 'hardware-opengles',
  reject: hardware.reject,
};

/** Google's SwiftShader Vulkan driver, as shipped by Debian's chromium package. */
export const swiftshader: AdapterStrategy = {
  name: 'swiftshader',
  env: { VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' },
  dawnOptions: [],
  request: {},
  reject: () => undefined,
};

/** Hardware first, then the software paths, fastest first. */
export const defaultStrategies: readonly AdapterStrategy[] = [hardware, opengles, swiftshader];
