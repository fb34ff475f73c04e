/**
 * What each durable consumer has already done: written in the consumer's own transaction with its
 * effect (`Store.atomically()`), so an event the bus delivers again — after a redelivery, a relay
 * that published twice, a replay — has no second effect.
 */
export interface InboxStore {
  /** Records that `consumer` handled `eventId`: true the first time, false when it already had. */
  claim(consumer: string, eventId: string, at: number): Promise<boolean>;
  /** Records many at once (a consumer's batch): the ids handled for the first time now. */
  claimMany(consumer: string, eventIds: readonly string[], at: number): Promise<Set<string>>;
  /** Forgets entries recorded before `before` (older than the bus keeps events); returns how many. */
  prune(before: number): Promise<number>;
}
