/** Ids per `IN (…)` list: well under SQLite's and PostgreSQL's bound-parameter limits. */
export const IDS_PER_QUERY = 500;
/** Rows per multi-row insert (well inside both backends' limits on bound parameters). */
export const ROWS_PER_INSERT = 1000;
