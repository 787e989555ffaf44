/** Tables of the rules engine: per-vehicle detector state, the evaluation cursor, trips, templates and settings. */
export interface RuleEngineTables {}
