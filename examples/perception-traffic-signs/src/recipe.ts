/** The recipe: what `start` runs, read from recipe.yaml and checked field by field. */
import { InvalidArgumentError } from '@prunekit/core';
import { parseYaml, readRecipeFile } from '@prunekit/example-kit';

export interface Recipe {
  readonly name: string;
  readonly seed: number;
  readonly data: { readonly val: number; readonly test: number; readonly finetune: number };
  readonly baseline: {
    readonly dir: string;
    readonly epochs: number;
    readonly trainSize: number;
    readonly batchSize: number;
    readonly lr: number;
    readonly lrDecay: number;
  };
  readonly unstructured: {
    readonly scorer: { readonly name: 'magnitude' | 'random'; readonly p: 1 | 2 };
    readonly scope: 'global' | 'local';
    readonly ignore: readonly string[];
    readonly levels: readonly number[];
  };
  readonly finetune: {
    readonly epochs: number;
    readonly batchSize: number;
    readonly lr: number;
    readonly earlyStopping: {
      readonly monitor: 'val_acc' | 'val_loss';
      readonly patience: number;
      readonly restoreBest: boolean;
    };
  };
  readonly output: { readonly dir: string };
  /** The sparse-execution run (src/runs/sparse_e2e.ts); defaults when the section is absent. */
  readonly sparseE2e: SparseE2eRecipe;
}

export interface SparseE2eRecipe {
  /** Zeros in the prunable kernels of the model that is converted and timed. */
  readonly sparsity: number;
  /**
   * 'local': every prunable layer pruned to `sparsity` on its own (pruned and fine-tuned in the run);
   * 'global': one magnitude threshold over all layers, as the unstructured run (whose model is reused).
   */
  readonly scope: 'global' | 'local';
  /** Per-layer sparsity overriding `sparsity` for the named layers (pruned locally). */
  readonly layerSparsity: Readonly<Record<string, number>>;
  /** Layers with at least this fraction of zeros become sparse layers. */
  readonly minSparsity: number;
}

export const SPARSE_E2E_DEFAULTS: SparseE2eRecipe = {
  sparsity: 0.9,
  scope: 'local',
  layerSparsity: {},
  minSparsity: 0.5,
};

type Obj = Record<string, unknown>;

class Reader {
  constructor(private readonly source: string) {}

  fail(field: string, want: string, got: unknown): never {
    throw new InvalidArgumentError(
      `${this.source}: field '${field}' must be ${want}, got ${JSON.stringify(got)}. Fix it in the recipe.`,
      { file: this.source, field },
    );
  }

  obj(o: Obj, key: string, path: string): Obj {
    const v = o[key];
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(path, 'a mapping', v);
    return v as Obj;
  }

  num(o: Obj, key: string, path: string, min: number, max: number, integer = false): number {
    const v = o[key];
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      v >= min &&
      v <= max &&
      (!integer || Number.isInteger(v));
    if (!ok) this.fail(path, `${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`, v);
    return v as number;
  }

  str<T extends string>(o: Obj, key: string, path: string, allowed?: readonly T[]): T {
    const v = o[key];
    if (typeof v !== 'string' || (allowed && !allowed.includes(v as T))) {
      this.fail(path, allowed ? `one of ${allowed.join(', ')}` : 'a string', v);
    }
    return v as T;
  }

  bool(o: Obj, key: string, path: string): boolean {
    const v = o[key];
    if (typeof v !== 'boolean') this.fail(path, 'true or false', v);
    return v as boolean;
  }
}

function layerSparsity(r: Reader, se: Obj): Record<string, number> {
  if (se.layerSparsity === undefined) return {};
  const m = r.obj(se, 'layerSparsity', 'sparseE2e.layerSparsity');
  const out: Record<string, number> = {};
  for (const name of Object.keys(m)) out[name] = r.num(m, name, `sparseE2e.layerSparsity.${name}`, 0, 0.999);
  return out;
}

/** Validates parsed YAML; `source` (a file name) appears in every error message. */
export function parseRecipe(doc: unknown, source = 'recipe.yaml'): Recipe {
  const r = new Reader(source);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) r.fail('(root)', 'a mapping', doc);
  const root = doc as Obj;
  const data = r.obj(root, 'data', 'data');
  const base = r.obj(root, 'baseline', 'baseline');
  const un = r.obj(root, 'unstructured', 'unstructured');
  const scorer = r.obj(un, 'scorer', 'unstructured.scorer');
  const ft = r.obj(root, 'finetune', 'finetune');
  const es = r.obj(ft, 'earlyStopping', 'finetune.earlyStopping');
  const out = r.obj(root, 'output', 'output');
  const se = root.sparseE2e === undefined ? undefined : r.obj(root, 'sparseE2e', 'sparseE2e');
  const levels = un.levels;
  if (!Array.isArray(levels) || levels.length === 0)
    r.fail('unstructured.levels', 'a non-empty list', levels);
  for (let i = 0; i < (levels as unknown[]).length; i++) {
    r.num(levels as unknown as Obj, String(i), `unstructured.levels[${i}]`, 0, 0.999);
  }
  const ignore = un.ignore ?? [];
  if (!Array.isArray(ignore) || ignore.some((s) => typeof s !== 'string'))
    r.fail('unstructured.ignore', 'a list of layer names', ignore);
  return {
    name: r.str(root, 'name', 'name'),
    seed: r.num(root, 'seed', 'seed', 0, 4_000_000, true),
    data: {
      val: r.num(data, 'val', 'data.val', 1, 1e6, true),
      test: r.num(data, 'test', 'data.test', 1, 1e6, true),
      finetune: r.num(data, 'finetune', 'data.finetune', 1, 1e6, true),
    },
    baseline: {
      dir: r.str(base, 'dir', 'baseline.dir'),
      epochs: r.num(base, 'epochs', 'baseline.epochs', 1, 1000, true),
      trainSize: r.num(base, 'trainSize', 'baseline.trainSize', 1, 1e6, true),
      batchSize: r.num(base, 'batchSize', 'baseline.batchSize', 1, 4096, true),
      lr: r.num(base, 'lr', 'baseline.lr', 1e-7, 1),
      lrDecay: r.num(base, 'lrDecay', 'baseline.lrDecay', 1e-3, 1),
    },
    unstructured: {
      scorer: {
        name: r.str(scorer, 'name', 'unstructured.scorer.name', ['magnitude', 'random'] as const),
        p: (scorer.p === undefined ? 1 : r.num(scorer, 'p', 'unstructured.scorer.p', 1, 2, true)) as 1 | 2,
      },
      scope: r.str(un, 'scope', 'unstructured.scope', ['global', 'local'] as const),
      ignore: ignore as string[],
      levels: levels as number[],
    },
    finetune: {
      epochs: r.num(ft, 'epochs', 'finetune.epochs', 0, 1000, true),
      batchSize: r.num(ft, 'batchSize', 'finetune.batchSize', 1, 4096, true),
      lr: r.num(ft, 'lr', 'finetune.lr', 1e-8, 1),
      earlyStopping: {
        monitor: r.str(es, 'monitor', 'finetune.earlyStopping.monitor', ['val_acc', 'val_loss'] as const),
        patience: r.num(es, 'patience', 'finetune.earlyStopping.patience', 0, 1000, true),
        restoreBest: r.bool(es, 'restoreBest', 'finetune.earlyStopping.restoreBest'),
      },
    },
    output: { dir: r.str(out, 'dir', 'output.dir') },
    sparseE2e: se
      ? {
          sparsity: r.num(se, 'sparsity', 'sparseE2e.sparsity', 0, 0.999),
          scope: r.str(se, 'scope', 'sparseE2e.scope', ['global', 'local'] as const),
          layerSparsity: layerSparsity(r, se),
          minSparsity: r.num(se, 'minSparsity', 'sparseE2e.minSparsity', 0, 1),
        }
      : SPARSE_E2E_DEFAULTS,
  };
}

/** Reads and validates a recipe file. */
export function loadRecipe(file: string): Recipe {
  return parseRecipe(parseYaml(readRecipeFile(file), file), file);
}
