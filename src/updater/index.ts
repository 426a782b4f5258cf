export { runCycle, type CycleDeps, type CycleOptions, type CycleEntry, type CycleReport } from './cycle.js';
export type { CheckResult, CheckStatus } from './check.js';
export { buildRecreateSpec, withoutImageDefaults } from './recreate-spec.js';
export { selectContainers, type Selection, type SelectionSettings } from './select.js';
export { orderByDependencies } from './dependency-order.js';
export { buildDependencyGraph, type DependencyNode, type DependencyGraph } from './dependency-graph.js';
export { recoverUnfinished, type RecoveryResult } from './recover.js';
export { rollbackToPrevious, type ManualRollback } from './manual-rollback.js';
