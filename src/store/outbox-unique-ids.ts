/**
 * Which outbox rows the unique index on `event_id` covers (migration 13, both backends): every event
 * but a message's `uplink` event (subject `satiot.up.…`, core/events/subjects.ts). An uplink event's
 * id is its message's id, already unique as the message's `(terminal, counter)` key, and the ingest
 * transaction writes the event only when it inserts the message — so indexing those ids again, one
 * scattered index page per message of a batch, bought nothing. Every other writer names this
 * predicate in its `ON CONFLICT` target (a partial index is only chosen when the statement implies
 * its predicate), and so leaves an event id already there as it is.
 *
 * `substr` rather than LIKE: the same meaning on both backends, whatever SQLite's case-sensitivity
 * pragma says. test/store/outbox-unique-ids.test.ts checks it against the subjects' own builders.
 */
export const UNIQUE_EVENT_ID_PREDICATE = "substr(subject, 1, 10) <> 'satiot.up.'";
