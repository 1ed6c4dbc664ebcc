/** Messages between the page (main thread, DOM only) and the worker (every tensor lives there). */
import type { ReportRun } from '@prunekit/report';

export type ModelChoice = 'signs' | 'lanes' | 'dropped';
export type BackendName = 'webgl' | 'wasm' | 'webgpu';
export type Method = 'unstructured' | 'nm' | 'channels' | 'deadline';
export type Stage = 'dense' | 'pruned' | 'tuned';

export interface SetupRequest {
  readonly type: 'setup';
  readonly model: ModelChoice;
  /** model.json first, then its weight shards (only for 'dropped'). */
  readonly files?: readonly File[];
  /** Backend that prunes, fine-tunes and evaluates (latency is timed by the bench workers). */
  readonly backend: BackendName;
  readonly sizes: { readonly train: number; readonly test: number };
}
export interface PruneRequest {
  readonly type: 'prune';
  readonly method: Method;
  /**
   * Sparsity (unstructured), channel ratio (channels), N:M as `1 - n/m` (nm), or the latency budget
   * as a share of the dense model's measured latency on the training backend (deadline).
   */
  readonly level: number;
  readonly nm?: { readonly n: number; readonly m: number };
}
export interface FineTuneRequest {
  readonly type: 'finetune';
  readonly epochs: number;
  readonly lr: number;
  readonly batchSize: number;
  /** Weight of the teacher's soft targets (distillation from the unpruned model). */
  readonly alpha: number;
  readonly temperature: number;
}
export interface ExportRequest {
  readonly type: 'export';
  /** IndexedDB key the model is saved under (`indexeddb://<name>`). */
  readonly name: string;
}
export type Request = SetupRequest | PruneRequest | FineTuneRequest | ExportRequest;

/** What the page shows for one model variant. */
export interface StageResult {
  readonly stage: Stage;
  /** Report row: params, MACs, bytes, metric (`accuracy` holds the task metric), latency per backend. */
  readonly run: ReportRun;
  /** Arg-max class of every test sample (pixel maps flattened for segmentation). */
  readonly predictions: number[];
  /** Softmax outputs of the first test samples (what the export check compares). */
  readonly probe: number[];
  /** Predicted class of each gallery sample (classification tasks). */
  readonly gallery: number[];
  /** Backend the variant was evaluated on. */
  readonly backend: string;
  /** The variant in the stock tfjs files (model.json + shards): what export writes and bench times. */
  readonly files: readonly ExportFile[];
  /** Whether it carries masks (zeros that prunekit's sparse kernels can skip). */
  readonly masked: boolean;
  /** Deadline pruning only: the budget and what the final model measured on the training backend. */
  readonly deadline?: DeadlineOutcome;
}

export interface DeadlineOutcome {
  readonly backend: string;
  readonly denseMs: number;
  readonly budgetMs: number;
  readonly predictedMs: number;
  readonly measuredMs: number;
  readonly met: boolean;
  /** Plan → build → measure rounds it took. */
  readonly rounds: number;
}

/** To a bench worker: start `backend`, or time a model given as its files. */
export type BenchRequest =
  | { readonly type: 'start'; readonly backend: BackendName }
  | {
      readonly type: 'time';
      readonly files: readonly ExportFile[];
      readonly inputShape: readonly number[];
      readonly runs: number;
      /** Also time it converted to prunekit's sparse layers (masked models on wasm). */
      readonly sparse: boolean;
    };
export interface BenchTiming {
  /** Median ms of one batch-1 forward pass. */
  readonly ms: number;
  readonly sparseMs?: number;
}

export interface SetupResult {
  readonly task: TaskInfo;
  /** The training backend as the training worker started it. */
  readonly backendState: BackendState;
  readonly dense: StageResult;
  /** Gallery images (RGB bytes, back to back) and their labels, for the page to draw. */
  readonly galleryImages: Uint8Array;
  readonly galleryLabels: number[];
}

export interface BackendState {
  readonly available: boolean;
  /** Why not, or what ran (e.g. "prunekit kernels: 13 training + 2 sparse"). */
  readonly note: string;
  /** Kernels prunekit registered for this backend (wasm only). */
  readonly prunekitKernels?: readonly string[];
}

export interface TaskInfo {
  readonly model: ModelChoice;
  readonly title: string;
  /** Name of the metric in `run.accuracy` (accuracy, mIoU, agreement with the dense model). */
  readonly metric: string;
  readonly classNames: readonly string[];
  readonly inputShape: readonly number[];
  readonly trainSize: number;
  readonly testSize: number;
  /** Test set seed (the browser test regenerates the same samples from it). */
  readonly testSeed: number;
  /** Number of samples `probe` covers. */
  readonly probeCount: number;
}

export interface EpochPoint {
  readonly epoch: number;
  readonly loss: number;
  readonly acc: number;
  readonly valMetric: number;
}

export interface ExportFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}
export interface ExportResult {
  readonly files: readonly ExportFile[];
  readonly indexedDbUrl: string;
  /** Test samples whose arg-max agreed after reloading from IndexedDB with tf.loadLayersModel. */
  readonly reloadAgreement: { readonly same: number; readonly total: number };
}

export type Reply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string; readonly code?: string };

/** Unsolicited messages during a request: progress of fine-tuning and stage text. */
export type Notice =
  | {
      readonly type: 'progress';
      readonly step: number;
      readonly total: number;
      readonly loss: number;
      readonly epoch: number;
    }
  | { readonly type: 'epoch'; readonly point: EpochPoint }
  | { readonly type: 'status'; readonly text: string };
