// The per-group plan is format-neutral: it lives in core and serves graph models and ONNX alike.
export { type ChannelPlanOptions, planChannelRemoval } from '@prunekit/core';
