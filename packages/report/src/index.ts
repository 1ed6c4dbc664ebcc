export type {
  ChartSpec,
  EmbeddedReport,
  ReportClosedLoop,
  ReportClosedLoopEvent,
  ReportClosedLoopRow,
  ReportData,
  ReportDeadline,
  ReportDeadlineLayer,
  ReportDeadlinePlan,
  ReportLayer,
  ReportRun,
  ReportSensitivity,
  ReportSensitivityCurve,
} from './types.js';
export {
  buildCharts,
  latencyChart,
  layerChannelsChart,
  layerSparsityChart,
  paretoChart,
  sensitivityChart,
} from './charts.js';
export { paretoFront, type ParetoPoint } from './pareto.js';
export { DATA_ELEMENT_ID, parseReportHtml, scriptSafeJson } from './embed.js';
export { embeddedReport, renderHtml, type RenderHtmlOptions } from './html.js';
export { renderSummary } from './summary.js';
export { channelsOf, runFromMetrics, type RunExtras } from './runs.js';
export { fmtBytes, fmtCount, fmtMs, fmtPct, summaryRows } from './format.js';
export { closedLoopCaption, closedLoopChart, closedLoopRows } from './closed_loop.js';
export {
  type DeadlineBenchRow,
  type DeadlinePruneDoc,
  deadlineCaption,
  deadlineFromBench,
  deadlineFromPrune,
  deadlineLayerChart,
  deadlineLayerRows,
  deadlineParetoChart,
  deadlinePlanRows,
} from './deadline.js';
