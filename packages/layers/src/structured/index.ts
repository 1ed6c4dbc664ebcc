export { analyzeChannels, type LayerChannelAnalysisOptions } from './analyze.js';
export { keptChannels, removeChannels, zeroChannels, type ChannelRemoval } from './surgery.js';
// The analysis, its rule contract and the layout algebra live in @prunekit/core (format-neutral,
// shared with other model formats); re-exported here for layers users.
export type {
  ChannelAnalysis,
  ChannelAnalysisOptions,
  ConfigSizes,
  FrozenGroup,
  Layout,
  RuleContext,
  RuleResult,
  Segment,
  StructuredRule,
  WeightSlice,
} from '@prunekit/core';
export {
  concatLayouts,
  expandIndices,
  expandLayout,
  flattenLayout,
  gatherInto,
  keptShape,
  zeroAlong,
} from '@prunekit/core';
