/**
 * Extension point: a run is one experiment over the baseline (unstructured levels, structured
 * channel pruning, sparse execution, compression, …). Each returns rows for the results table,
 * goals for results.json and optional markdown sections; the pipeline runs the list it is given.
 */
import type { Goal } from '@prunekit/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '../data.js';
import type { Evaluation } from '../evaluate.js';
import type { Recipe } from '../recipe.js';
import type { MarkdownSection, ResultRow } from '../report.js';

export interface RunContext {
  readonly recipe: Recipe;
  /** The trained baseline; runs must not modify it (clone first). */
  readonly baseline: tfl.LayersModel;
  readonly baselineEval: Evaluation;
  /** Fine-tuning images (one fixed set), validation (early stopping) and test (all reported accuracy). */
  readonly train: Split;
  readonly val: Split;
  readonly test: Split;
  /** Folder where runs save their models (one subfolder per model). */
  readonly outDir: string;
  readonly backend: string;
  readonly log: (line: string) => void;
}

export interface RunOutput {
  readonly rows: readonly ResultRow[];
  readonly goals: readonly Goal[];
  readonly sections?: readonly MarkdownSection[];
}

export interface Run {
  readonly name: string;
  run(ctx: RunContext): Promise<RunOutput>;
}
