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
// The channel-layout algebra and weight cutting, shared with other model formats (@prunekit/graph-model).
export { concatLayouts, expandIndices, expandLayout, flattenLayout } from './layout.js';
export { gatherInto, keptShape, zeroAlong } from './gather.js';
export { keptChannels, removeChannels, zeroChannels, type ChannelRemoval } from './surgery.js';
export { registerStructuredExtraHandlers, structuredExtraHandlers } from './extra_handlers.js';

import { registerStructuredExtraHandlers } from './extra_handlers.js';
registerStructuredExtraHandlers();
