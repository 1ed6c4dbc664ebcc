// Compiles every AssemblyScript entry `assembly/<name>/index.ts` to `build/<name>.wasm`
// (SIMD on, stub runtime: kernels allocate nothing, the host passes pointers into memory).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const asc = join(root, 'node_modules', '.bin', 'asc');
mkdirSync(join(root, 'build'), { recursive: true });
const entries = readdirSync(join(root, 'assembly'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(root, 'assembly', e.name, 'index.ts')))
  .map((e) => e.name);
// Per-entry flags added to the common ones. `sparse` and `train` import tfjs-backend-wasm's memory (no
// data segments) so their kernels read and write tensors in place.
const extraFlags = { sparse: ['--importMemory'], train: ['--importMemory'] };
// Entries also built with relaxed SIMD as build/<name>-relaxed.wasm: their multiply-adds become
// fused (f32x4.relaxed_madd). The loader uses that build where the engine validates it.
const relaxedToo = new Set(['sparse']);
const builds = entries.flatMap((name) => [
  { name, out: name, flags: [] },
  ...(relaxedToo.has(name) ? [{ name, out: `${name}-relaxed`, flags: ['--enable', 'relaxed-simd'] }] : []),
]);
for (const { name, out, flags } of builds) {
  const args = [
    join('assembly', name, 'index.ts'),
    '-O3',
    '--enable',
    'simd',
    '--runtime',
    'stub',
    '--noAssert',
    '-o',
    join('build', `${out}.wasm`),
    ...(extraFlags[name] ?? []),
    ...flags,
  ];
  execFileSync(asc, args, { cwd: root, stdio: 'inherit' });
  console.log(`built build/${out}.wasm`);
}
