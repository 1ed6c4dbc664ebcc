/** recipe.yaml: parsed and checked; a bad field throws InvalidArgumentError naming it. */
import { InvalidArgumentError } from '@prunekit/core';
import { parseYaml, readRecipeFile } from '@prunekit/example-kit';

export interface Recipe {
  readonly name: string;
  readonly seed: number;
  readonly data: { train: number; finetune: number; val: number; test: number; repeat: number[] };
  readonly policy: { hidden: number[] };
  readonly baseline: { dir: string; epochs: number; batchSize: number; lr: number };
  readonly guard: { metric: string; maxDrop: number; recovery: { rows: number; epochs: number; lr: number } };
  readonly structured: { macsReduction: number; roundTo: number; scope: 'local' | 'global' };
  readonly unstructured: { levels: number[] };
  readonly finetune: { epochs: number; batchSize: number; lr: number; patience: number };
  readonly closedLoop: { worlds: number; steps: number; egos: number; nearMissTtc: number };
  readonly safety: {
    maxRatio: number;
    confidence: number;
    test: 'paired-bootstrap' | 'poisson-exact';
    guardBatch: number;
    guardWorlds: number;
    daggerRounds: number;
    daggerEpochs: number;
    daggerLr: number;
  };
  readonly latency: { reps: number };
  readonly output: { dir: string };
}

type Check = (v: unknown) => boolean;
const int: Check = (v) => Number.isInteger(v) && (v as number) >= 0;
const pos: Check = (v) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const frac: Check = (v) => typeof v === 'number' && v >= 0 && v < 1;
const str: Check = (v) => typeof v === 'string' && v.length > 0;
const list =
  (each: Check): Check =>
  (v) =>
    Array.isArray(v) && v.length > 0 && v.every(each);

const SCHEMA: Record<string, Record<string, [Check, string]>> = {
  data: {
    train: [int, 'an integer ≥ 0'],
    finetune: [int, 'an integer ≥ 0'],
    val: [pos, 'a positive integer'],
    test: [pos, 'a positive integer'],
    repeat: [
      (v) => list(int)(v) && (v as number[]).length === 5,
      'five integers (keep, left, right, brake, accelerate)',
    ],
  },
  policy: { hidden: [list((v) => int(v) && (v as number) > 0), 'a list of positive widths'] },
  baseline: {
    dir: [str, 'a folder'],
    epochs: [int, 'an integer'],
    batchSize: [pos, 'a positive integer'],
    lr: [pos, 'a positive number'],
  },
  guard: {
    metric: [str, 'a name'],
    maxDrop: [(v) => typeof v === 'number' && v >= 0, 'a number ≥ 0'],
    recovery: [
      (v) =>
        !!v &&
        typeof v === 'object' &&
        int((v as Record<string, unknown>).rows) &&
        int((v as Record<string, unknown>).epochs) &&
        pos((v as Record<string, unknown>).lr),
      '{ rows, epochs, lr }',
    ],
  },
  structured: {
    macsReduction: [pos, 'a number > 0'],
    roundTo: [pos, 'a positive integer'],
    scope: [(v) => v === 'local' || v === 'global', "'local' or 'global'"],
  },
  unstructured: { levels: [list(frac), 'a list of fractions in [0, 1)'] },
  finetune: {
    epochs: [int, 'an integer'],
    batchSize: [pos, 'a positive integer'],
    lr: [pos, 'a positive number'],
    patience: [int, 'an integer'],
  },
  closedLoop: {
    worlds: [pos, 'a positive integer'],
    steps: [pos, 'a positive integer'],
    egos: [pos, 'a positive integer'],
    nearMissTtc: [pos, 'a positive number (s)'],
  },
  safety: {
    maxRatio: [pos, 'a number > 0'],
    confidence: [(v) => typeof v === 'number' && v > 0 && v < 1, 'a number in (0, 1)'],
    test: [(v) => v === 'paired-bootstrap' || v === 'poisson-exact', "'paired-bootstrap' or 'poisson-exact'"],
    guardBatch: [pos, 'a positive integer'],
    guardWorlds: [pos, 'a positive integer ≥ guardBatch'],
    daggerRounds: [int, 'an integer ≥ 0'],
    daggerEpochs: [pos, 'a positive integer'],
    daggerLr: [pos, 'a positive number'],
  },
  latency: { reps: [pos, 'a positive integer'] },
  output: { dir: [str, 'a folder'] },
};

export function parseRecipe(text: string, file = 'recipe.yaml'): Recipe {
  const doc = parseYaml(text, file) as Record<string, Record<string, unknown>>;
  const bad = (field: string, what: string, v: unknown) =>
    new InvalidArgumentError(`${file}: ${field} must be ${what}, got ${JSON.stringify(v)}.`, { file, field });
  if (!doc || typeof doc !== 'object') throw bad('(root)', 'a mapping', doc);
  if (!str(doc.name)) throw bad('name', 'a name', doc.name);
  if (!int(doc.seed)) throw bad('seed', 'an integer ≥ 0', doc.seed);
  for (const [section, fields] of Object.entries(SCHEMA)) {
    const s = doc[section];
    if (!s || typeof s !== 'object') throw bad(section, 'a mapping', s);
    for (const [k, [ok, what]] of Object.entries(fields))
      if (!ok(s[k])) throw bad(`${section}.${k}`, what, s[k]);
  }
  return doc as unknown as Recipe;
}

export function loadRecipe(file: string): Recipe {
  return parseRecipe(readRecipeFile(file), file);
}
