import { existsSync } from 'node:fs';

/** Debian's Chromium (installed by `pnpm test` from .ci/apt-packages), or PRUNEKIT_CHROMIUM. */
export const CHROMIUM = process.env.PRUNEKIT_CHROMIUM ?? '/usr/bin/chromium';

/** Flags measured to give WebGL2 + float32 render targets and a WebGPU adapter on CPU-only Linux. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
];

/** Throws (never skips) when Chromium is missing, saying how to get it. */
export function requireChromium(): string {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. \`pnpm test\` installs Debian's chromium from .ci/apt-packages ` +
        '(scripts/system-packages.mjs, as root); or apt-get install -y chromium, or point PRUNEKIT_CHROMIUM at a Chromium binary.',
    );
  }
  return CHROMIUM;
}
