export { BUILTIN_SCORERS } from './builtin.js';
export { defineScorer, groupOptionsSchema, type ScorerEntry, scorerOptions } from './define.js';
export { createScorer, registerScorer, scorerEntries, scorerEntry } from './registry.js';
