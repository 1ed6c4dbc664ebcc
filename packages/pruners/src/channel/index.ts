export { type ChannelPruneResult, type ChannelPruner, channelPruner, stepRatio } from './channel_pruner.js';
export type { GroupProposal, InteractiveSession } from './interactive.js';
export type { ChannelPrunerOptions, ChannelScope } from './options.js';
export { type ChannelReport, type ChannelReportRow, channelReport } from './report.js';
export { roundKeep, selectGlobalChannels, selectGroupChannels, type ScoredGroup } from './select.js';
