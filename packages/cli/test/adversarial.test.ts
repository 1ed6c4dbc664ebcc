// The adversarial table: each row is one class of bad input or filesystem fault, run through the
// CLI's main(). For every row: the expected exit code, a one-line message (no stack trace), the
// input model folder unchanged, nothing written (the case folder is byte-identical afterwards),
// and no tensor leaked.
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, main } from '../src/index.js';
import { captureIO } from './fixtures/capture.js';
import { saveTinyModel } from './fixtures/tiny_model.js';

const here = dirname(fileURLToPath(import.meta.url));
const data = (name: string) => join(here, 'fixtures', name);
let root: string;
let template: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'prunekit-cli-adversarial-'));
  chmodSync(root, 0o755);
  template = join(root, 'template');
  await saveTinyModel(template);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every entry under `dir` (links followed) with a hash of its bytes; symlinks recorded by target. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      const key = prefix + e.name;
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) out[key] = 'dangling';
      else if (st.isDirectory()) {
        out[key] = 'dir';
        walk(p, `${key}/`);
      } else out[key] = createHash('sha1').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

interface Ctx {
  /** The case folder: everything the case may touch lies in it. */
  readonly dir: string;
  /** A copy of the tiny model (a plain folder). */
  readonly model: string;
  readonly out: string;
  /** Writes a recipe (YAML text; data, bench and finetune defaults filled in) and returns its path. */
  recipe(body: string, opts?: { data?: string }): string;
  /** model.json of the model copy, parsed, for edits. */
  json(): Record<string, any>;
  writeJson(j: unknown): void;
}

function makeCtx(name: string): Ctx {
  const dir = join(root, name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60));
  mkdirSync(dir, { mode: 0o755 });
  const model = join(dir, 'in');
  cpSync(template, model, { recursive: true, dereference: true });
  const file = join(model, 'model.json');
  return {
    dir,
    model,
    out: join(dir, 'out'),
    recipe(body, opts = {}) {
      const p = join(dir, 'recipe.yaml');
      const gen = JSON.stringify(opts.data ?? data('tiny_data.ts'));
      writeFileSync(
        p,
        `name: t\nseed: 1\nbackend: cpu\ndata: { generator: ${gen}, val: 8, test: 8, finetune: 8, calibration: 8 }\nbench: { backends: [cpu], runs: 1 }\n${body}`,
      );
      return p;
    },
    json: () => JSON.parse(readFileSync(file, 'utf8')),
    writeJson: (j) => writeFileSync(file, JSON.stringify(j)),
  };
}

const unstructured = 'unstructured: { levels: [0.5] }\n';

interface Case {
  readonly name: string;
  /** Builds the inputs and returns the argv. */
  readonly argv: (c: Ctx) => string[];
  readonly exit: number;
  readonly message: RegExp;
  /** Runs as this effective uid (a read-only folder means nothing to root). */
  readonly asUid?: number;
  readonly skip?: () => string | undefined;
}

const prune = (c: Ctx, recipe = unstructured, extra: string[] = []) => [
  'prune',
  '--model',
  c.model,
  '--recipe',
  c.recipe(recipe),
  '--out',
  c.out,
  '--quiet',
  ...extra,
];
const editModel = (c: Ctx, edit: (j: Record<string, any>) => void) => {
  const j = c.json();
  edit(j);
  c.writeJson(j);
};
const shard = (c: Ctx) => join(c.model, 'group1-shard1of1.bin');
const firstWeight = (j: Record<string, any>) => j.weightsManifest[0].weights[0];
const layers = (j: Record<string, any>) => j.modelTopology.config.layers;

const isRoot = process.getuid?.() === 0;
/**
 * The first folder above this checkout that other users cannot enter (no o+x), if any. The CLI
 * run as another uid must still load its data module and tsx from the checkout; a clone inside a
 * 0700 temp folder (as a fresh-clone check makes) shuts that uid out before the case is reached.
 */
const closedAncestor = (): string | undefined => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if ((statSync(dir).mode & 0o001) === 0) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
};
const canMount = (): string | undefined => {
  if (!isRoot) return 'needs root to mount a tiny tmpfs';
  return undefined;
};

const cases: Case[] = [
  // ---- the input model ----
  {
    name: 'model path does not exist',
    argv: (c) => prune(c).map((a) => (a === c.model ? `${c.model}-missing` : a)),
    exit: EXIT.input,
    message: /does not exist/,
  },
  {
    name: 'model folder without model.json',
    argv: (c) => {
      rmSync(join(c.model, 'model.json'));
      return prune(c);
    },
    exit: EXIT.input,
    message: /holds no model\.json/,
  },
  {
    name: 'model.json is not JSON (truncated)',
    argv: (c) => {
      writeFileSync(join(c.model, 'model.json'), '{"format": "layers-mo');
      return prune(c);
    },
    exit: EXIT.input,
    message: /is not valid JSON/,
  },
  {
    name: 'modelTopology missing',
    argv: (c) => {
      editModel(c, (j) => delete j.modelTopology);
      return prune(c);
    },
    exit: EXIT.input,
    message: /modelTopology/,
  },
  {
    name: 'weightsManifest missing',
    argv: (c) => {
      editModel(c, (j) => delete j.weightsManifest);
      return prune(c);
    },
    exit: EXIT.input,
    message: /weightsManifest/,
  },
  {
    name: 'a weight listed twice in the manifest',
    argv: (c) => {
      editModel(c, (j) => j.weightsManifest[0].weights.push({ ...firstWeight(j) }));
      return prune(c);
    },
    exit: EXIT.input,
    message: /repeats the weight name/,
  },
  {
    name: 'shard truncated',
    argv: (c) => {
      writeFileSync(shard(c), readFileSync(shard(c)).subarray(0, 100));
      return prune(c);
    },
    exit: EXIT.input,
    message: /declares \d+ bytes but its shard/,
  },
  {
    name: 'shard missing',
    argv: (c) => {
      rmSync(shard(c));
      return prune(c);
    },
    exit: EXIT.input,
    message: /Weight file .* does not exist/,
  },
  {
    name: 'weight path escaping the folder',
    argv: (c) => {
      editModel(c, (j) => (j.weightsManifest[0].paths = ['../x.bin']));
      return prune(c);
    },
    exit: EXIT.input,
    message: /points outside the model folder/,
  },
  {
    name: 'absolute weight path',
    argv: (c) => {
      editModel(c, (j) => (j.weightsManifest[0].paths = ['/etc/passwd']));
      return prune(c);
    },
    exit: EXIT.input,
    message: /is absolute/,
  },
  {
    name: 'weight path is a URL',
    argv: (c) => {
      editModel(c, (j) => (j.weightsManifest[0].paths = ['http://example.invalid/x.bin']));
      return prune(c);
    },
    exit: EXIT.input,
    message: /is a URL/,
  },
  {
    name: 'NaN in a weight',
    argv: (c) => {
      const b = readFileSync(shard(c));
      new DataView(b.buffer, b.byteOffset).setFloat32(4, Number.NaN, true);
      writeFileSync(shard(c), b);
      return prune(c);
    },
    exit: EXIT.input,
    message: /holds NaN/,
  },
  {
    name: 'unsupported weight dtype',
    argv: (c) => {
      editModel(c, (j) => (firstWeight(j).dtype = 'complex64'));
      return prune(c);
    },
    exit: EXIT.input,
    message: /dtype.*complex64/,
  },
  {
    name: 'unknown layer class',
    argv: (c) => {
      editModel(c, (j) => (layers(j)[1].class_name = 'NoSuchLayer'));
      return prune(c);
    },
    exit: EXIT.input,
    message: /could not be turned into a model.*NoSuchLayer/,
  },
  {
    name: 'weight shape mismatch with the topology',
    argv: (c) => {
      editModel(c, (j) => {
        const w = firstWeight(j);
        w.shape = [w.shape.reduce((a: number, b: number) => a * b, 1)];
      });
      return prune(c);
    },
    exit: EXIT.input,
    message: /could not be turned into a model/,
  },
  {
    name: 'format is not layers-model',
    argv: (c) => {
      editModel(c, (j) => (j.format = 'tfjs-graph-model'));
      return prune(c);
    },
    exit: EXIT.input,
    message: /format/,
  },
  {
    name: 'model given as a file:// URL that does not exist',
    argv: (c) => prune(c).map((a) => (a === c.model ? `file://${c.model}-gone/model.json` : a)),
    exit: EXIT.input,
    message: /does not exist/,
  },
  {
    name: 'model given with an unreachable scheme',
    argv: (c) => prune(c).map((a) => (a === c.model ? 'ftp://example.invalid/model.json' : a)),
    exit: EXIT.input,
    message: /scheme 'ftp:\/\/'/,
  },
  // ---- the output location ----
  {
    name: '--out equal to the input folder, with --overwrite',
    argv: (c) => prune(c, unstructured, ['--overwrite']).map((a) => (a === c.out ? c.model : a)),
    exit: EXIT.usage,
    message: /input model/,
  },
  {
    name: '--out a symlink to the input folder, with --overwrite',
    argv: (c) => {
      symlinkSync(c.model, c.out);
      return prune(c, unstructured, ['--overwrite']);
    },
    exit: EXIT.usage,
    message: /input model/,
  },
  {
    name: '--out containing the input folder, with --overwrite',
    argv: (c) => prune(c, unstructured, ['--overwrite']).map((a) => (a === c.out ? c.dir : a)),
    exit: EXIT.usage,
    message: /contains the folder of an input model/,
  },
  {
    name: '--out inside the input folder',
    argv: (c) => prune(c).map((a) => (a === c.out ? join(c.model, 'pruned') : a)),
    exit: EXIT.usage,
    message: /is inside the folder of an input model/,
  },
  {
    name: '--out reaching the input through ..',
    argv: (c) =>
      prune(c, unstructured, ['--overwrite']).map((a) => (a === c.out ? join(c.dir, 'x', '..', 'in') : a)),
    exit: EXIT.usage,
    message: /input model/,
  },
  {
    name: '--out model.json path of the input',
    argv: (c) =>
      prune(c, unstructured, ['--overwrite']).map((a) => (a === c.out ? join(c.model, 'model.json') : a)),
    exit: EXIT.usage,
    message: /input model/,
  },
  {
    name: '--out is a regular file',
    argv: (c) => {
      writeFileSync(c.out, 'x');
      return prune(c, unstructured, ['--overwrite']);
    },
    exit: EXIT.usage,
    message: /is a file/,
  },
  {
    name: '--out under a regular file (ENOTDIR)',
    argv: (c) => {
      writeFileSync(join(c.dir, 'f'), 'x');
      return prune(c).map((a) => (a === c.out ? join(c.dir, 'f', 'out') : a));
    },
    exit: EXIT.output,
    message: /ENOTDIR.*regular file/,
  },
  {
    name: '--out with a 300-character name (ENAMETOOLONG)',
    argv: (c) => prune(c).map((a) => (a === c.out ? join(c.dir, 'n'.repeat(300)) : a)),
    exit: EXIT.output,
    message: /300 bytes.*shorter name/,
  },
  {
    name: '--out not empty, no --overwrite',
    argv: (c) => {
      mkdirSync(c.out);
      writeFileSync(join(c.out, 'keep.txt'), 'mine');
      return prune(c);
    },
    exit: EXIT.usage,
    message: /not empty.*--overwrite/,
  },
  {
    name: '--out in a read-only folder (EACCES)',
    asUid: 65534,
    argv: (c) => {
      const ro = join(c.dir, 'ro');
      mkdirSync(ro, { mode: 0o555 });
      chmodSync(ro, 0o555);
      chmodSync(c.dir, 0o755);
      return prune(c).map((a) => (a === c.out ? join(ro, 'out') : a));
    },
    exit: EXIT.output,
    message: /EACCES.*permission/,
    skip: () => {
      if (!isRoot) return 'EACCES as another user needs root to switch uid';
      const closed = closedAncestor();
      return closed ? `uid 65534 cannot enter ${closed}, which holds this checkout` : undefined;
    },
  },
  // ---- the recipe / plan: refused before any work ----
  {
    name: 'duplicate levels',
    argv: (c) => prune(c, 'unstructured: { levels: [0.5, 0.5] }\n'),
    exit: EXIT.usage,
    message: /both give the output folder 'unstructured-50'/,
  },
  {
    name: 'levels that share a folder name (0.5, 0.5004)',
    argv: (c) => prune(c, 'unstructured: { levels: [0.5, 0.5004] }\n'),
    exit: EXIT.usage,
    message: /both give the output folder/,
  },
  {
    name: 'both levels and ratio',
    argv: (c) => prune(c, 'unstructured: { levels: [0.5], ratio: 0.3 }\n'),
    exit: EXIT.usage,
    message: /both levels and ratio/,
  },
  {
    name: 'NaN level',
    argv: (c) => prune(c, 'unstructured: { levels: [.nan] }\n'),
    exit: EXIT.usage,
    message: /got NaN/,
  },
  {
    name: 'Infinity level',
    argv: (c) => prune(c, 'unstructured: { levels: [.inf] }\n'),
    exit: EXIT.usage,
    message: /got Infinity/,
  },
  {
    name: 'level 1.5',
    argv: (c) => prune(c, 'unstructured: { levels: [1.5] }\n'),
    exit: EXIT.usage,
    message: /got 1\.5/,
  },
  {
    name: 'unknown recipe key',
    argv: (c) => prune(c, `${unstructured}bogus: 1\n`),
    exit: EXIT.usage,
    message: /unknown key 'bogus'/,
  },
  {
    name: 'unknown scorer',
    argv: (c) => prune(c, 'unstructured: { levels: [0.5], scorer: { name: magic } }\n'),
    exit: EXIT.usage,
    message: /scorer\.name/,
  },
  {
    name: 'nothing to prune',
    argv: (c) => prune(c, 'unstructured: { levels: [0] }\n'),
    exit: EXIT.usage,
    message: /Nothing to prune/,
  },
  {
    name: 'recipe file missing',
    argv: (c) => prune(c).map((a) => (a.endsWith('recipe.yaml') ? join(c.dir, 'nope.yaml') : a)),
    exit: EXIT.usage,
    message: /Cannot read recipe/,
  },
  {
    name: 'recipe is not YAML',
    argv: (c) => {
      const a = prune(c);
      writeFileSync(join(c.dir, 'recipe.yaml'), 'a: [1, 2\n  b: }');
      return a;
    },
    exit: EXIT.usage,
    message: /recipe/i,
  },
  {
    name: 'unknown --backend',
    argv: (c) => prune(c, unstructured, ['--backend', 'tpu']),
    exit: EXIT.usage,
    message: /backend/,
  },
  // ---- the data module ----
  {
    name: 'data module missing',
    argv: (c) => [
      'prune',
      '--model',
      c.model,
      '--recipe',
      c.recipe(unstructured, { data: join(c.dir, 'nope.ts') }),
      '--out',
      c.out,
      '--quiet',
    ],
    exit: EXIT.usage,
    message: /does not exist/,
  },
  {
    name: 'data module throws on import',
    argv: (c) => [
      'prune',
      '--model',
      c.model,
      '--recipe',
      c.recipe(unstructured, { data: data('bad_data/throws_on_import.ts') }),
      '--out',
      c.out,
      '--quiet',
    ],
    exit: EXIT.usage,
    message: /failed to load: .*broken at import/,
  },
  {
    name: 'data module without generateDataset',
    argv: (c) => [
      'prune',
      '--model',
      c.model,
      '--recipe',
      c.recipe(unstructured, { data: data('bad_data/no_export.ts') }),
      '--out',
      c.out,
      '--quiet',
    ],
    exit: EXIT.usage,
    message: /must export generateDataset/,
  },
  {
    name: 'generateDataset throws',
    argv: (c) => [
      'prune',
      '--model',
      c.model,
      '--recipe',
      c.recipe(unstructured, { data: data('bad_data/generate_throws.ts') }),
      '--out',
      c.out,
      '--quiet',
    ],
    exit: EXIT.usage,
    message: /threw .*ran out of road/,
  },
  {
    name: 'labels out of range (99 of 2 classes)',
    argv: (c) => [
      'prune',
      '--model',
      c.model,
      '--recipe',
      c.recipe(unstructured, { data: data('bad_data/labels_out_of_range.ts') }),
      '--out',
      c.out,
      '--quiet',
    ],
    exit: EXIT.input,
    message: /label 0 is 99, outside the 2 classes/,
  },
  {
    name: 'numClasses disagrees with the model',
    argv: (c) => [
      'prune',
      '--model',
      c.model,
      '--recipe',
      c.recipe(unstructured, { data: data('bad_data/class_count.ts') }),
      '--out',
      c.out,
      '--quiet',
    ],
    exit: EXIT.input,
    message: /numClasses is 16 but the model's output has 2/,
  },
  {
    name: 'images of the wrong size',
    argv: (c) => [
      'prune',
      '--model',
      c.model,
      '--recipe',
      c.recipe(unstructured, { data: data('bad_data/wrong_image_size.ts') }),
      '--out',
      c.out,
      '--quiet',
    ],
    exit: EXIT.input,
    message: /do not fit the model input/,
  },
  // ---- other commands ----
  {
    name: 'finetune --out <input> --overwrite (refused before training)',
    argv: (c) => [
      'finetune',
      '--model',
      c.model,
      '--recipe',
      c.recipe('finetune: { epochs: 1 }\n'),
      '--out',
      c.model,
      '--overwrite',
      '--quiet',
    ],
    exit: EXIT.usage,
    message: /input model/,
  },
  {
    name: 'convert --out <input> --overwrite',
    argv: (c) => ['convert', '--model', c.model, '--out', c.model, '--overwrite'],
    exit: EXIT.usage,
    message: /input model/,
  },
  {
    name: 'convert --min-sparsity 2',
    argv: (c) => ['convert', '--model', c.model, '--out', c.out, '--min-sparsity', '2'],
    exit: EXIT.usage,
    message: /--min-sparsity/,
  },
  {
    name: 'sensitivity --out <input folder parent> --overwrite',
    argv: (c) => [
      'sensitivity',
      '--model',
      c.model,
      '--recipe',
      c.recipe('sensitivity: { ratios: [0.5] }\n'),
      '--out',
      c.dir,
      '--overwrite',
      '--quiet',
    ],
    exit: EXIT.usage,
    message: /input model/,
  },
  {
    name: 'inspect a missing model',
    argv: (c) => ['inspect', '--model', join(c.dir, 'none')],
    exit: EXIT.input,
    message: /does not exist/,
  },
];

describe('the CLI under bad inputs and filesystem faults: typed one-line errors, input untouched, nothing written, no leaks', () => {
  it('covers at least 40 classes', () => expect(cases.length).toBeGreaterThanOrEqual(40));
  for (const k of cases) {
    const why = k.skip?.();
    it.skipIf(why !== undefined)(`${k.name}${why ? ` (skipped: ${why})` : ''}`, async () => {
      const c = makeCtx(k.name);
      const argv = k.argv(c);
      const inputBefore = snapshot(c.model);
      const before = snapshot(c.dir);
      const tensors = tf.memory().numTensors;
      const io = captureIO();
      let code: number;
      if (k.asUid !== undefined) {
        process.seteuid(k.asUid);
        try {
          code = await main(argv, io);
        } finally {
          process.seteuid(0);
        }
      } else code = await main(argv, io);
      expect(io.err).not.toMatch(/internal error|\n\s+at /);
      expect(io.err).toMatch(k.message);
      expect(code).toBe(k.exit);
      expect(tf.memory().numTensors).toBe(tensors);
      if (existsSync(c.model)) expect(snapshot(c.model)).toEqual(inputBefore);
      expect(snapshot(c.dir)).toEqual(before);
    });
  }
});

describe('a full disk (ENOSPC) while the run writes', () => {
  const why = canMount();
  it.skipIf(why !== undefined)(
    `reports E_OUTPUT, exit 5, and leaves no partial --out${why ? ` (skipped: ${why})` : ''}`,
    async () => {
      const c = makeCtx('enospc');
      const disk = join(c.dir, 'disk');
      mkdirSync(disk);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=12k', 'tmpfs', disk]);
      try {
        const argv = prune(c).map((a) => (a === c.out ? join(disk, 'out') : a));
        const tensors = tf.memory().numTensors;
        const io = captureIO();
        const code = await main(argv, io);
        expect(io.err).not.toMatch(/internal error|\n\s+at /);
        expect(io.err).toMatch(/ENOSPC.*disk is full/);
        expect(code).toBe(EXIT.output);
        expect(tf.memory().numTensors).toBe(tensors);
        expect(readdirSync(disk)).toEqual([]);
      } finally {
        execFileSync('umount', [disk]);
      }
    },
  );
});
