// Packs `pnpm bench:gpu` for a GPU host that has no Node and no package registry (the lent H200):
// one esbuild bundle of benchmarks/src/gpu.ts, Dawn's dawn.node, tfjs-wasm's and prunekit's .wasm
// files, this machine's node binary and the Vulkan/GL loader .debs, as one .tar.xz.
//
//   node packages/backend-node-gpu/scripts/pack-gpu-host.mjs .h200/pack.tar.xz
// On the host (files under .h200, carried):
//   python3 -c "import tarfile;tarfile.open('pack.tar.xz').extractall('.')"; for f in gl/*.deb; do dpkg -x $f /; done; ldconfig
//   export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
//   cd pack/x/y && ../../node gpu.mjs --quick --backends=cpu,wasm,webgpu --require-hardware
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const out = resolve(process.argv[2] ?? 'gpu-host.tar.xz');
const work = mkdtempSync(join(tmpdir(), 'gpu-host-'));
const pack = join(work, 'pack');
// The bundle sits two folders down so backend-wasm's `new URL('../../build/x.wasm', import.meta.url)` lands in pack/build.
const app = join(pack, 'x', 'y');
mkdirSync(app, { recursive: true });
mkdirSync(join(pack, 'build'), { recursive: true });

const req = createRequire(join(repo, 'packages/backend-webgl/package.json'));
const { build } = await import(req.resolve('esbuild'));
await build({
  entryPoints: [join(repo, 'benchmarks/src/gpu.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['source'],
  ignoreAnnotations: true, // keep bare side-effect imports such as '@tensorflow/tfjs-backend-cpu'
  outfile: join(app, 'gpu.mjs'),
  external: ['webgpu', 'playwright-core', 'esbuild'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);",
  },
  plugins: [
    {
      name: 'no-browser', // the Chromium harness is loaded only when webgl is asked for
      setup(b) {
        b.onResolve({ filter: /browser\/harness\.js$/ }, (a) => ({ path: a.path, external: true }));
      },
    },
  ],
  logLevel: 'warning',
});

const gpuReq = createRequire(join(repo, 'packages/backend-node-gpu/package.json'));
const webgpu = dirname(realpathSync(gpuReq.resolve('webgpu')));
const dawn = join(app, 'node_modules', 'webgpu');
mkdirSync(join(dawn, 'dist', 'linux-x64'), { recursive: true });
for (const f of ['index.js', 'package.json']) copyFileSync(join(webgpu, f), join(dawn, f));
copyFileSync(join(webgpu, 'dist', 'linux-x64', 'dawn.node'), join(dawn, 'dist', 'linux-x64', 'dawn.node'));

const wasmReq = createRequire(join(repo, 'benchmarks/package.json'));
const tfWasm = join(dirname(realpathSync(wasmReq.resolve('@tensorflow/tfjs-backend-wasm'))));
for (const f of readdirSync(tfWasm).filter((f) => f.endsWith('.wasm')))
  copyFileSync(join(tfWasm, f), join(app, f));
cpSync(join(repo, 'packages/backend-wasm/build'), join(pack, 'build'), { recursive: true });
copyFileSync(process.execPath, join(pack, 'node'));

const gl = join(work, 'gl');
mkdirSync(gl);
const debs = ['libvulkan1', 'libegl1', 'libglvnd0', 'libopengl0', 'libgl1', 'libglx0', 'libgles2'];
execFileSync('apt-get', ['download', ...debs], { cwd: gl, stdio: 'inherit' });
execFileSync('tar', ['-cJf', out, '-C', work, 'pack', 'gl'], { stdio: 'inherit' });
console.log(`packed ${out}`);
