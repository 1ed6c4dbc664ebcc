/** The prunekit command line (commander): parses argv, runs a command, maps errors to exit codes. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { PrunekitError } from '@prunekit/core';
import { UsageError } from './errors.js';
import { EXIT, type ExitCode } from './exit_codes.js';
import { type CliIO, processIO } from './io.js';
import { scorerNames } from './recipe/schema.js';

/** This package's version (src/ and dist/ both sit beside package.json). */
export const VERSION: string = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).version;

type Action = (flags: Record<string, unknown>, io: CliIO) => Promise<ExitCode>;

function program(
  io: CliIO,
  run: (load: () => Promise<Action>, flags: Record<string, unknown>) => void,
): Command {
  const p = new Command('prunekit')
    .description('Prune TensorFlow.js layers models: score, prune, fine-tune, measure, export, report.')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showSuggestionAfterError(true);
  const common = (c: Command) =>
    c
      .option('--model <path>', 'dense model (model.json or its folder)')
      .option('--recipe <file>', 'recipe file (YAML or JSON); flags override its fields')
      .option(
        '--data <module>',
        'data module exporting generateDataset(count, seed) (recipe: data.generator)',
      )
      .option('--json', 'print machine-readable JSON on stdout')
      .option('--quiet', 'no progress output');
  // The fine-tune checkpoint flags of finetune and prune.
  const checkpointOptions = (c: Command, where: string) =>
    c
      .option('--checkpoint <dir>', `write a fine-tune checkpoint ${where} after every epoch`)
      .option(
        '--resume',
        'continue from the newest checkpoint in --checkpoint (starts afresh, saying so, when there is none yet)',
      );
  // Commands load on use, so --help and recipe errors answer without loading tfjs.
  const bind = (load: () => Promise<Action>) => (flags: Record<string, unknown>) => run(load, flags);

  const pruneCmd = common(
    p
      .command('prune')
      .description(
        'prune (and fine-tune) at every level of the recipe; writes models, report.html, summary.md',
      ),
  )
    .option('--out <dir>', 'output folder (recipe: output.dir)')
    .option('--overwrite', 'replace the contents of a non-empty --out')
    .addOption(
      new Option('--method <method>', 'pruning section --ratio/--scorer apply to').choices([
        'unstructured',
        'structured',
      ]),
    )
    .option('--ratio <list>', 'fractions to prune, comma-separated (recipe: <method>.levels)')
    .option('--scorer <name>', `scorer (recipe: <method>.scorer.name): ${scorerNames().join(', ')}`)
    .option('--scope <scope>', 'global | local (recipe: <method>.scope)')
    .option('--ignore <layers>', 'layers left alone, comma-separated (recipe: <method>.ignore)')
    .option('--finetune-epochs <n>', 'fine-tuning epochs per level (recipe: finetune.epochs)')
    .option('--lr <x>', 'fine-tuning learning rate (recipe: finetune.lr)')
    .option('--batch-size <n>', 'fine-tuning batch size (recipe: finetune.batchSize)')
    .option('--format <format>', 'stock | sparse (recipe: export.format)')
    .option('--guard <drop>', 'largest allowed accuracy drop, e.g. 0.01 (recipe: guard.maxAccuracyDrop)')
    .option('--seed <n>', 'seed (recipe: seed)')
    .option('--backend <name>', 'wasm | cpu (recipe: backend)')
    .option('--name <name>', 'run name (recipe: name)')
    .option('--budget-ms <ms>', 'deadline-aware: choose channel widths to meet this latency on --backend')
    .option('--batch <n>', 'with --budget-ms: batch size of one call (default 1)')
    .option('--percentile <p>', 'with --budget-ms: p50 | p99 (default p50)')
    .option('--table <file>', 'with --budget-ms: latency table JSON to reuse and extend')
    .option('--reps <n>', 'with --budget-ms: timed calls per layer (default 30)')
    .option(
      '--calibrate <n>',
      'with --budget-ms: whole-model runs that calibrate the table (default 6; 0 = none)',
    );
  checkpointOptions(pruneCmd, 'under it, one folder per level and round,').action(
    bind(() => import('./commands/prune.js').then((m) => m.pruneCommand as Action)),
  );

  p.command('latency-table')
    .description('time every layer of a model on a backend into a latency table; predicted vs measured')
    .option('--model <path>', 'model (model.json or its folder)')
    .option('--backend <name>', 'wasm | cpu (default wasm)')
    .option('--batch <n>', 'batch size of one call (default 1)')
    .option('--table <file>', 'table JSON to extend (created when missing)')
    .option('--reps <n>', 'timed calls per layer (default 30)')
    .option('--budget-ms <ms>', 'also choose channel widths for this budget (as prune --budget-ms)')
    .option('--percentile <p>', 'p50 | p99 (default p50)')
    .option('--json', 'print as JSON')
    .option('--quiet', 'no progress output')
    .action(bind(() => import('./commands/latency_table.js').then((m) => m.latencyTableCommand as Action)));

  common(
    p
      .command('score')
      .description('score statistics per prunable weight (or per channel group with --channels)'),
  )
    .option('--scorer <name>', `scorer: ${scorerNames().join(', ')}`)
    .option('--channels', 'score dependency groups (channels) instead of weights')
    .action(bind(() => import('./commands/score.js').then((m) => m.scoreCommand as Action)));

  common(p.command('sensitivity').description('accuracy with each layer pruned alone at each ratio'))
    .option('--ratios <list>', 'ratios, comma-separated (recipe: sensitivity.ratios)')
    .option('--granularity <g>', 'weights | channels (recipe: sensitivity.granularity)')
    .option('--layers <list>', 'layers to analyse (recipe: sensitivity.layers)')
    .option('--out <dir>', 'also write report.html, summary.md, sensitivity.json here')
    .option('--overwrite', 'replace the contents of a non-empty --out')
    .option('--queue <url>', 'run the trials on workers of this Redis queue (redis://host:port)')
    .action(bind(() => import('./commands/sensitivity.js').then((m) => m.sensitivityCommand as Action)));

  common(
    p
      .command('sweep')
      .description(
        'prune levels × scorers × fine-tune epochs of the recipe, one trial each; here or on --queue workers',
      ),
  )
    .option('--scorers <list>', "scorers to try, comma-separated (default: each method section's own)")
    .option('--epochs <list>', 'fine-tune epochs to try, comma-separated (default: finetune.epochs)')
    .option('--queue <url>', 'run the trials on workers of this Redis queue (redis://host:port)')
    .option(
      '--latency',
      'also time each pruned model on the worker (recipe: bench), a latency-table row per trial',
    )
    .option('--out <dir>', 'also write results.json here')
    .option('--overwrite', 'replace the contents of a non-empty --out')
    .action(bind(() => import('./commands/sweep.js').then((m) => m.sweepCommand as Action)));

  p.command('worker')
    .description(
      'run trials from a queue (prunekit sensitivity --queue) on this machine; stops on SIGINT/SIGTERM',
    )
    .option('--queue <url>', 'Redis queue URL (redis://host:port)')
    .option('--model <path>', "dense model (model.json or its folder), the coordinator's")
    .option('--recipe <file>', "recipe file (data, seed, backend), the coordinator's")
    .option('--data <module>', 'data module exporting generateDataset(count, seed)')
    .option('--quiet', 'no progress output')
    .action(bind(() => import('./commands/worker.js').then((m) => m.workerCommand as Action)));

  checkpointOptions(
    common(p.command('finetune').description('fine-tune a model on the recipe data, zeros kept at zero')),
    'there',
  )
    .option('--out <dir>', 'folder for the fine-tuned model')
    .option('--overwrite', 'replace the contents of a non-empty --out')
    .option('--epochs <n>', 'epochs (recipe: finetune.epochs)')
    .option('--lr <x>', 'learning rate (recipe: finetune.lr)')
    .option('--batch-size <n>', 'batch size (recipe: finetune.batchSize)')
    .action(bind(() => import('./commands/finetune.js').then((m) => m.finetuneCommand as Action)));

  p.command('bench')
    .description('median forward latency per backend')
    .option('--model <path>', 'model (model.json or its folder)')
    .option('--recipe <file>', 'recipe file (bench section)')
    .option('--backends <list>', 'wasm,cpu (recipe: bench.backends)')
    .option('--runs <n>', 'timed runs per backend (recipe: bench.runs)')
    .option('--batch <n>', 'batch size (recipe: bench.batch)')
    .option('--json', 'print the result document as JSON')
    .action(bind(() => import('./commands/bench.js').then((m) => m.benchCommand as Action)));

  p.command('report')
    .description('render report.html and summary.md from a report.json written by prune')
    .option('--from <path>', 'report.json or the folder prune wrote')
    .option('--out <dir>', 'output folder (default: beside report.json)')
    .option('--title <title>', 'replace the title')
    .action(bind(() => import('./commands/report.js').then((m) => m.reportCommand as Action)));

  p.command('inspect')
    .description('layers (output shape, params, nonzero, MACs) and dependency groups')
    .option('--model <path>', 'model (model.json or its folder)')
    .option('--json', 'print as JSON')
    .action(bind(() => import('./commands/inspect.js').then((m) => m.inspectCommand as Action)));

  p.command('convert')
    .description(
      'convert a pruned stock model to prunekit sparse layers or to ONNX (--to onnx; layers and graph models), or re-save a stock model (graph models: re-encode weights as float32 / float16 / uint8 / uint16)',
    )
    .option('--model <path>', 'model (model.json or its folder)')
    .addOption(
      new Option('--to <format>', 'target format')
        .choices(['sparse', 'stock', 'onnx', 'float32', 'float16', 'uint8', 'uint16'])
        .default('sparse'),
    )
    .option('--out <dir>', 'output folder')
    .option('--overwrite', 'replace the contents of a non-empty --out')
    .option('--min-sparsity <x>', 'convert a layer only when at least this fraction is zero (default 0.5)')
    .option('--json', 'print the per-layer plan as JSON')
    .action(bind(() => import('./commands/convert.js').then((m) => m.convertCommand as Action)));
  return p;
}

/** Runs the CLI on `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<ExitCode> {
  let pending: Promise<ExitCode> | undefined;
  const p = program(io, (load, flags) => {
    pending = load().then((a) => a(flags, io));
  });
  try {
    await p.parseAsync([...argv], { from: 'user' });
    if (!pending) return EXIT.ok; // --help, --version
    return await pending;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.help'
        ? EXIT.ok
        : EXIT.usage;
    }
    if (e instanceof UsageError) {
      io.stderr(`prunekit: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof PrunekitError) {
      io.stderr(`prunekit: ${e.message}\n`);
      if (e.code === 'E_INPUT_PROTECTED') return EXIT.usage;
      if (e.code === 'E_OUTPUT' || e.code === 'E_OUTPUT_EXISTS') return EXIT.output;
      return EXIT.input;
    }
    // A filesystem fault nothing upstream typed: one line naming the path and what to do.
    const fault = e as NodeJS.ErrnoException | undefined;
    if (typeof fault?.code === 'string' && typeof fault.path === 'string') {
      const { outputFault } = await import('@prunekit/layers');
      const typed = outputFault(fault, fault.path, fault.syscall ?? 'access');
      if (typed instanceof PrunekitError) {
        io.stderr(`prunekit: ${typed.message}\n`);
        return EXIT.output;
      }
    }
    io.stderr(`prunekit: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return EXIT.internal;
  }
}
