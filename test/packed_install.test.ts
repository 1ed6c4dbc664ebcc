/**
 * prunekit as an npm user gets it: every public package built and packed (`pnpm pack` applies
 * publishConfig and turns workspace:* into versions), the tarballs installed into a fresh npm
 * project outside the workspace, and there: publint + attw (ESM profile) on each tarball, the root
 * README's script, each package README's example, and `prunekit prune` with the traffic-sign
 * example's recipe and its TypeScript data module. Then the lowest tfjs 4.x the peers allow.
 *
 * The slowest test file (a cold npm cache downloads tfjs: ~1.5 min; warm: ~30 s).
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withBuildLock } from './build_lock.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const TFJS = '4.22.0';
/** The lowest tfjs the ^4.10.0 peers admit, and the packages that declare it. */
const TFJS_LOWEST = '4.10.0';
const LOWEST_PACKAGES = ['core', 'layers', 'scorers', 'pruners', 'finetune', 'sparse', 'compress'];
/** README examples not run in Node here, and why. */
const NOT_IN_NODE: Record<string, string> = {
  'backend-webgl':
    'a browser page: test/browser_bundles.test.ts bundles the same imports and runs them in Chromium',
  'backend-node-gpu': 'needs the optional peer `webgpu` (Dawn, ~130 MB) and a GPU adapter',
};

interface Pkg {
  dir: string;
  name: string;
  tarball?: string;
}

const publicPackages: Pkg[] = readdirSync(join(ROOT, 'packages'))
  .filter((d) => existsSync(join(ROOT, 'packages', d, 'package.json')))
  .map((d) => ({ dir: d, ...JSON.parse(readFileSync(join(ROOT, 'packages', d, 'package.json'), 'utf8')) }))
  .filter((p) => !p.private)
  .map((p) => ({ dir: p.dir, name: p.name }));

function run(cmd: string, args: string[], cwd: string, timeout = 300_000): string {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: 'utf8',
      stdio: 'pipe',
      timeout,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(' ')} (in ${cwd}) failed with ${err.status}:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`.slice(
        0,
        6000,
      ),
    );
  }
}

const npmInstall = (cwd: string, specs: string[]) =>
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...specs],
    cwd,
    600_000,
  );

/** The first ```ts (or ```js) block of a README. */
function firstExample(readme: string, lang: 'ts' | 'js'): string | undefined {
  const m = readme.match(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\\n\`\`\``));
  return m?.[1];
}

describe('packed packages installed in a fresh npm project', () => {
  let work = '';
  let project = '';
  let setupError: unknown;

  beforeAll(async () => {
    try {
      await withBuildLock(() =>
        run(join(BIN, 'tsc'), ['-b', ...publicPackages.map((p) => `packages/${p.dir}`)], ROOT, 600_000),
      );
      work = mkdtempSync(join(tmpdir(), 'prunekit-packed-'));
      const tarballs = join(work, 'tarballs');
      mkdirSync(tarballs);
      const filters = publicPackages.flatMap((p) => ['--filter', p.name]);
      run('npx', ['-y', 'pnpm@12.4.2', '-r', ...filters, 'pack', '--pack-destination', tarballs], ROOT);
      for (const p of publicPackages) {
        const file = readdirSync(tarballs).find((f) =>
          f.startsWith(`${p.name.replace('@', '').replace('/', '-')}-`),
        );
        if (file) p.tarball = join(tarballs, file);
      }
      project = join(work, 'project');
      mkdirSync(project);
      writeFileSync(
        join(project, 'package.json'),
        '{ "name": "user-project", "private": true, "type": "module" }\n',
      );
      npmInstall(project, [
        ...publicPackages.map((p) => p.tarball ?? p.name),
        ...[
          'core',
          'layers',
          'backend-cpu',
          'backend-wasm',
          'backend-webgl',
          'backend-webgpu',
          'converter',
        ].map((n) => `@tensorflow/tfjs-${n}@${TFJS}`),
      ]);
    } catch (e) {
      setupError = e;
    }
  }, 900_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });
  const ready = () => {
    if (setupError) throw setupError;
  };

  it('packs every public package, with LICENSE and without the source condition', () => {
    ready();
    for (const p of publicPackages) {
      expect(p.tarball, p.name).toBeDefined();
      const listing = run('tar', ['-tzf', p.tarball!], work);
      expect(listing, p.name).toMatch(/^package\/LICENSE$/m);
      const installed = JSON.parse(
        readFileSync(join(project, 'node_modules', p.name, 'package.json'), 'utf8'),
      );
      expect(JSON.stringify(installed.exports), p.name).not.toContain('"source"');
      expect(JSON.stringify(installed.dependencies ?? {}), p.name).not.toContain('workspace:');
    }
  });

  it('publint and attw (ESM profile) find nothing on any tarball', () => {
    ready();
    for (const p of publicPackages) {
      expect(run(join(BIN, 'publint'), ['run', p.tarball!], work), p.name).toMatch(/All good!/);
      const report = run(join(BIN, 'attw'), ['--profile', 'esm-only', '--format', 'json', p.tarball!], work);
      // attw exits non-zero on a problem its profile counts; the JSON also lists the CommonJS and
      // node10 resolutions the ESM-only profile ignores, so keep the ones it checks.
      const problems = (JSON.parse(report).analysis?.problems ?? []) as {
        kind: string;
        resolutionKind?: string;
      }[];
      const counted = problems.filter((x) => !['node10', 'node16-cjs'].includes(x.resolutionKind ?? ''));
      expect(counted, p.name).toEqual([]);
    }
  }, 300_000);

  it("runs the root README's script (examples/quickstart/prune.mjs) with plain node", () => {
    ready();
    const script = readFileSync(join(ROOT, 'examples/quickstart/prune.mjs'), 'utf8');
    expect(firstExample(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'js')?.trim()).toBe(script.trim());
    writeFileSync(join(project, 'prune.mjs'), script);
    const out = run('node', ['prune.mjs'], project);
    const totals = [...out.matchAll(/^total\s+(\d+)\s+\d+\s+(\d+)/gm)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    expect(totals).toHaveLength(2);
    expect(totals[1][0]).toBeLessThan(totals[0][0]); // params
    expect(totals[1][1]).toBeLessThan(totals[0][1]); // MACs
    expect(existsSync(join(project, 'out/pruned/model.json'))).toBe(true);
  }, 300_000);

  for (const p of publicPackages) {
    it(`${p.name}: its README example runs as installed`, (ctx) => {
      ready();
      const readme = readFileSync(join(ROOT, 'packages', p.dir, 'README.md'), 'utf8');
      const code = firstExample(readme, 'ts');
      if (NOT_IN_NODE[p.dir] || code === undefined) {
        // Said in the report, never silently passed: see NOT_IN_NODE or the README's shell-only example.
        ctx.skip();
        return;
      }
      if (p.dir === 'testing') {
        // Its example is a vitest file: the suites declare their own describe/it.
        writeFileSync(join(project, 'readme-testing.test.ts'), code);
        const out = run(
          join(project, 'node_modules', '.bin', 'vitest'),
          ['run', 'readme-testing.test.ts'],
          project,
        );
        expect(out).toMatch(/Tests\s+\d+ passed/);
        expect(out).not.toMatch(/failed/);
        return;
      }
      if (p.dir === 'graph-model') {
        // Its example prunes CenterNet from @vladmandic/human: packed from the workspace's copy of
        // the lockfile's version and installed like any package (nothing fetched).
        const human = realpathSync(join(ROOT, 'packages/graph-model/node_modules/@vladmandic/human'));
        // (npm pack refuses a folder inside pnpm's store; a tarball is package/… as npm writes it.)
        const tgz = join(work, 'vladmandic-human.tgz');
        run(
          'tar',
          ['-czf', tgz, '-C', dirname(human), '--transform', 's,^human,package,', 'human'],
          work,
          300_000,
        );
        npmInstall(project, [tgz]);
      }
      if (p.dir === 'onnx') {
        // Its example reads the user's resnet18.onnx: the repository's torchvision test export.
        cpSync(join(ROOT, 'packages/onnx/test/models/resnet18_w025.onnx'), join(project, 'resnet18.onnx'));
      }
      if (p.dir === 'cli') {
        // Its example prunes the user's model/model.json: the traffic-sign example's model.
        cpSync(join(ROOT, 'examples/perception-traffic-signs/model'), join(project, 'model'), {
          recursive: true,
        });
      }
      const file = join(project, `readme-${p.dir}.ts`);
      writeFileSync(file, code);
      run(join(project, 'node_modules', '.bin', 'tsx'), [file], project);
      if (p.dir === 'graph-model') {
        expect(existsSync(join(project, 'out/centernet-pruned/model.json'))).toBe(true);
      }
      if (p.dir === 'onnx') expect(existsSync(join(project, 'out/resnet18-pruned.onnx'))).toBe(true);
      if (p.dir === 'cli') {
        expect(existsSync(join(project, 'pruned/structured-50/model.json'))).toBe(true);
        expect(readFileSync(join(project, 'pruned/summary.md'), 'utf8')).toMatch(
          /\| structured 50% \| 50% \|/,
        );
      }
    }, 300_000);
  }

  it('`prunekit prune` runs the example recipe with its TypeScript data module', () => {
    ready();
    const signs = join(project, 'signs');
    const example = join(ROOT, 'examples/perception-traffic-signs');
    for (const part of ['model', 'src']) cpSync(join(example, part), join(signs, part), { recursive: true });
    // The example's recipe with smaller generated sets (the CI budget); everything else as committed.
    const recipe = readFileSync(join(example, 'recipe.yaml'), 'utf8')
      .replace(/^( {2}val:) \d+/m, '$1 200')
      .replace(/^( {2}test:) \d+/m, '$1 400')
      .replace(/^( {2}finetune:) \d+/m, '$1 400');
    expect(recipe).toMatch(/^ {2}test: 400/m);
    writeFileSync(join(signs, 'recipe.yaml'), recipe);
    const cli = join(project, 'node_modules', '.bin', 'prunekit');
    expect(run(cli, ['--version'], project).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const args = [
      'prune',
      '--model',
      'signs/model/model.json',
      '--recipe',
      'signs/recipe.yaml',
      '--out',
      'out/signs',
    ];
    run(cli, [...args, '--ratio', '0.5', '--finetune-epochs', '1'], project, 600_000);
    const summary = readFileSync(join(project, 'out/signs/summary.md'), 'utf8');
    expect(summary).toMatch(/\| dense \| 0% \|/);
    expect(summary).toMatch(/\| unstructured 50% \| 50% \|/);
    expect(summary).not.toMatch(/unstructured 80%/); // --ratio replaced the recipe's levels
    expect(summary).toMatch(/src\/generator\.ts/);
  }, 600_000);

  it(`the lowest tfjs the peers admit (${TFJS_LOWEST}): README examples of the packages declaring it`, () => {
    ready();
    const low = join(work, 'lowest');
    mkdirSync(low);
    writeFileSync(
      join(low, 'package.json'),
      '{ "name": "lowest-tfjs", "private": true, "type": "module" }\n',
    );
    const tarball = (dir: string) => publicPackages.find((p) => p.dir === dir)!.tarball!;
    // Without --legacy-peer-deps: a peer range that excludes this tfjs fails the install (ERESOLVE).
    npmInstall(low, [
      ...LOWEST_PACKAGES.map(tarball),
      ...['core', 'layers', 'backend-cpu'].map((n) => `@tensorflow/tfjs-${n}@${TFJS_LOWEST}`),
      'tsx@4.23.15',
    ]);
    const version = JSON.parse(
      readFileSync(join(low, 'node_modules/@tensorflow/tfjs-core/package.json'), 'utf8'),
    ).version;
    expect(version).toBe(TFJS_LOWEST);
    for (const dir of LOWEST_PACKAGES) {
      const code = firstExample(readFileSync(join(ROOT, 'packages', dir, 'README.md'), 'utf8'), 'ts');
      if (code === undefined) continue;
      writeFileSync(join(low, `readme-${dir}.ts`), code);
      run(join(low, 'node_modules', '.bin', 'tsx'), [`readme-${dir}.ts`], low);
    }
  }, 600_000);
});
