/** Tables of alerts, their review transitions and attachments. */
export interface AlertTables {}
