/** The sections besides pruning: run settings, data, fine-tuning, guard, export, bench, report. */
import { z } from 'zod';
import { folder, fraction, int, names, positive } from './fields.js';
import { scorerSchema } from './scorer.js';

/** The tfjs backends a recipe may run and benchmark on. */
export const BACKENDS = ['wasm', 'cpu'] as const;

/** The top-level run fields: name, seed, model path and backend. */
export const runSections = {
  name: z.string({ error: 'a string' }).default('prunekit'),
  seed: int(0, 2 ** 32 - 1).default(0),
  /** The dense model (model.json), relative to the recipe file. */
  model: z.string({ error: 'a path to model.json' }).optional(),
  backend: z.enum(BACKENDS).default('wasm'),
};

/**
 * The `data` section: a data generator module and the sample counts of each split (val, test, finetune,
 * calibration).
 */
export const dataSection = z.strictObject({
  /** Module exporting generateDataset(count, seed); relative to the recipe file. */
  generator: z.string({ error: 'a path to a data module' }).optional(),
  val: int(1, 10_000_000).default(500),
  test: int(1, 10_000_000).default(1000),
  finetune: int(1, 10_000_000).default(2000),
  calibration: int(1, 100_000).default(128),
});

/**
 * The `finetune` section: epochs, batch size, learning rate, optimizer, early stopping, regularizer and
 * distillation.
 */
export const finetuneSection = z.strictObject({
  epochs: int(0, 10_000).default(0),
  batchSize: int(1, 65_536).default(64),
  lr: positive().default(1e-3),
  optimizer: z.enum(['adam', 'sgd', 'momentum']).default('adam'),
  earlyStopping: z
    .strictObject({
      monitor: z.enum(['val_acc', 'val_loss']).default('val_acc'),
      patience: int(0, 10_000).default(1),
      restoreBest: z.boolean({ error: 'true or false' }).default(true),
    })
    .optional(),
  regularizer: z
    .strictObject({
      type: z.enum(['lp', 'l1', 'l2', 'bnGammaL1']),
      lambda: positive(),
      p: positive().optional(),
    })
    .optional(),
  distill: z.strictObject({ T: positive().default(4), alpha: fraction.default(0.5) }).optional(),
});

/** The `guard` section: the largest accuracy drop a pruned model may have. */
export const guardSection = z.strictObject({
  /** Largest allowed accuracy drop of any pruned model, in accuracy points (0.01 = 1 point). */
  maxAccuracyDrop: fraction,
});

/** The `export` section: output layer format, BatchNorm folding and weight quantization. */
export const exportSection = z.strictObject({
  /**
   * auto: unstructured levels as sparse, structured levels as fused; fused: prunekit's fused conv
   * layers where stock tfjs-layers would run a ReLU6 or a depthwise bias as separate ops; sparse:
   * sparse layers where timed faster, fused conv layers too; stock: stock tfjs layers only (files
   * any tfjs loads without prunekit).
   */
  format: z.enum(['auto', 'stock', 'fused', 'sparse']).default('auto'),
  minSparsity: fraction.optional(),
  /** Fold BatchNormalization into the layer before it (default true). */
  foldBatchNorm: z.boolean({ error: 'true or false' }).default(true),
  /** Fold ReLU (no maxValue) / Activation layers into the conv or dense before them (default true). */
  foldActivations: z.boolean({ error: 'true or false' }).default(true),
  /** keep: the input model's tfjs weight quantization; none: float32; or one dtype. */
  quantization: z.enum(['keep', 'none', 'uint8', 'uint16', 'float16']).default('keep'),
});

/** The `bench` section: backends to time, repetitions and batch size. */
export const benchSection = z.strictObject({
  backends: z.array(z.enum(BACKENDS)).min(1, { error: 'a non-empty list of wasm, cpu' }).default(['wasm']),
  runs: int(1, 10_000).default(15),
  batch: int(1, 4096).default(1),
});

/** The `sensitivity` section: ratios to try, granularity, scorer and layers to analyse. */
export const sensitivitySection = z.strictObject({
  ratios: z
    .array(
      z
        .number({ error: 'a number in (0, 1)' })
        .gt(0, { error: 'a number in (0, 1)' })
        .lt(1, { error: 'a number in (0, 1)' }),
    )
    .min(1, { error: 'a non-empty list of numbers in (0, 1)' })
    .default([0.25, 0.5, 0.75]),
  granularity: z.enum(['weights', 'channels']).default('weights'),
  scorer: scorerSchema.optional(),
  layers: names.optional(),
});

/** The `output` section: the folder results are written to. */
export const outputSection = z.strictObject({ dir: folder });
/** The `report` section: whether an HTML report is written. */
export const reportSection = z.strictObject({ html: z.boolean({ error: 'true or false' }).default(true) });

/** Where an example's dense model lives and how it was trained (examples extend it with their fields). */
export const baselineSection = z.strictObject({ dir: folder });
/** Batch-1 latency repetitions of an example's timing. */
export const latencySection = z.strictObject({ reps: int(1, 1_000_000) });

/**
 * The `budget` section: deadline-aware structured pruning (`prunekit prune` runs deadlinePrune
 * when it is present): channel widths chosen to meet `ms` per forward call, measured on the
 * recipe's backend. CLI flags (--budget-ms, --batch, --percentile, --table, --reps) override it.
 */
export const budgetSection = z.strictObject({
  /** The frame budget: forward latency in milliseconds. */
  ms: positive(),
  /** Which latency must fit: the median (p50) or the 99th percentile (p99). */
  percentile: z.enum(['p50', 'p99']).default('p50'),
  /** Batch size of one call. */
  batch: int(1, 4096).default(1),
  /** Timed calls per table entry (a whole-model verification times twice as many). */
  reps: int(1, 1_000_000).default(30),
  /** Latency table JSON to reuse and extend, relative to the recipe file. */
  table: z.string({ error: 'a path to a latency table JSON file' }).optional(),
  /** Whole-model runs at sampled widths that calibrate the table (0 = none). */
  calibrate: int(0, 1000).default(6),
  /** Layers kept whole. */
  ignore: names.optional(),
});
