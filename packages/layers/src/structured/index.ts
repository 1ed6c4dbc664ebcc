export {
  analyzeChannels,
  type ChannelAnalysis,
  type ChannelAnalysisOptions,
  type FrozenGroup,
} from './analyze.js';
export {
  builtinStructuredRules,
  getStructuredRule,
  registerStructuredRule,
  unregisterStructuredRule,
} from './registry.js';
export type { ConfigSizes, RuleContext, RuleResult, StructuredRule, WeightSlice } from './rule.js';
export type { Layout, Segment } from './layout.js';
export { keptChannels, removeChannels, zeroChannels, type ChannelRemoval } from './surgery.js';
export { registerStructuredExtraHandlers, structuredExtraHandlers } from './extra_handlers.js';

import { registerStructuredExtraHandlers } from './extra_handlers.js';
registerStructuredExtraHandlers();
