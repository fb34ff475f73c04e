/** A satiot node as the cluster sees it. */
export interface NodeRecord {
  readonly nodeId: string;
  /** Where it serves HTTP, e.g. `http://10.0.0.5:8080`; null when it does not. */
  readonly address: string | null;
  readonly host: string;
  readonly pid: number;
  readonly version: string;
  readonly startedAt: number;
  /** Its last heartbeat (the store's clock, Unix ms). */
  readonly heartbeatAt: number;
  /** When it stopped cleanly; null while it runs (or died without saying so). */
  readonly stoppedAt: number | null;
}

/** The nodes of the cluster, by their heartbeats in the store. */
export interface NodeStore {
  /** Records or refreshes a node (heartbeat_at = the store's now; stopped_at cleared). */
  heartbeat(n: Omit<NodeRecord, 'heartbeatAt' | 'stoppedAt'>): Promise<void>;
  /** Marks a node stopped. */
  stopped(nodeId: string): Promise<void>;
  /** Every node heard from since `since` (store clock), by id. */
  list(since: number): Promise<NodeRecord[]>;
}
