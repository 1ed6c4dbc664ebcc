export {
  sensitivityAnalysis,
  sensitivityGrid,
  type SensitivityGrid,
  type SensitivityCurve,
  type SensitivityOptions,
  type SensitivityPoint,
  type SensitivityResult,
} from './analyze.js';
export { autoRatios, type AutoRatiosOptions, type AutoRatiosResult } from './auto_ratios.js';
