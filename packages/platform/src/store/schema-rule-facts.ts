/** Tables of places, trip orders, drivers, driver identity reports and duty rosters. */
export interface RuleFactTables {}
