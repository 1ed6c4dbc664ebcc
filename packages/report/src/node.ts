// Node-only entry (@prunekit/report/node): reads Chart.js from node_modules to inline it. In a
// browser, call renderHtml from the main entry with the Chart.js source you load yourself.
export { chartLibrarySource } from './chart_library.js';
export { buildReport } from './build_report.js';
