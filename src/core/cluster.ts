import type { Bus, ConsumerLag } from './ports/bus.js';
import type { Store } from './ports/store.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { OutboxRelay } from './outbox-relay.js';

/** This node as it tells the others. */
export interface NodeIdentity {
  /** `--node-id`; by default `<host name>:<port>`. */
  readonly nodeId: string;
  readonly host: string;
  readonly pid: number;
  readonly version: string;
  readonly startedAt: number;
}

export interface ClusterOptions {
  /** How often this node's heartbeat is written, ms (default 2 s). */
  readonly heartbeatMs?: number;
  /** A node not heard from for this long counts as lost, ms (default 10 s). */
  readonly lostAfterMs?: number;
  readonly onError?: (e: unknown) => void;
}

/** What `GET /api/v1/cluster` shows. */
export interface ClusterStatus {
  readonly node: string;
  readonly nodes: ReadonlyArray<{
    nodeId: string;
    address: string | null;
    host: string;
    pid: number;
    version: string;
    startedAt: number;
    heartbeatAt: number;
    state: 'up' | 'stopped' | 'lost';
    leases: string[];
  }>;
  readonly leases: ReadonlyArray<{
    name: string;
    holder: string | null;
    epoch: number;
    acquiredAt: number;
    expiresAt: number;
  }>;
  readonly outbox: {
    readonly pending: number;
    readonly oldestAgeMs: number | null;
    readonly publishedHere: number;
    readonly relayHere: boolean;
  };
  readonly consumers: readonly ConsumerLag[];
  readonly deadLetters: { readonly open: number };
  readonly bus: { readonly kind: string; readonly connected: boolean };
  readonly store: { readonly backend: string };
}

/**
 * This node's place in the cluster: its heartbeat in the store (every node sees every other), and
 * the cluster's state as one view — nodes, leases, the outbox's and consumers' lag, dead letters.
 */
export class Cluster {
  private timer: NodeJS.Timeout | undefined;
  private address: string | null = null;
  private readonly heartbeatMs: number;
  private readonly lostAfterMs: number;

  constructor(
    readonly identity: NodeIdentity,
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly keeper: LeaseKeeper,
    private readonly relay: OutboxRelay,
    private readonly opts: ClusterOptions = {},
  ) {
    this.heartbeatMs = opts.heartbeatMs ?? 2_000;
    this.lostAfterMs = opts.lostAfterMs ?? 10_000;
  }

  /** Where this node serves HTTP (told once it listens). */
  setAddress(address: string): void {
    this.address = address;
    void this.beat();
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      void this.beat();
    }, this.heartbeatMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.store.nodes.stopped(this.identity.nodeId).catch((e: unknown) => this.opts.onError?.(e));
  }

  private async beat(): Promise<void> {
    await this.store.nodes
      .heartbeat({ ...this.identity, address: this.address })
      .catch((e: unknown) => this.opts.onError?.(e));
  }

  async status(): Promise<ClusterStatus> {
    const now = await this.store.leases.now();
    const [nodes, leases, lag, consumers, open] = await Promise.all([
      this.store.nodes.list(now - 24 * 3_600_000),
      this.store.leases.list(),
      this.store.outbox.lag(),
      this.bus.consumerLag(),
      this.store.deadLetters.countOpen(),
    ]);
    const live = leases.filter((l) => l.expiresAt > now);
    return {
      node: this.identity.nodeId,
      nodes: nodes.map((n) => ({
        nodeId: n.nodeId,
        address: n.address,
        host: n.host,
        pid: n.pid,
        version: n.version,
        startedAt: n.startedAt,
        heartbeatAt: n.heartbeatAt,
        state:
          n.stoppedAt !== null
            ? ('stopped' as const)
            : now - n.heartbeatAt > this.lostAfterMs
              ? ('lost' as const)
              : ('up' as const),
        leases: live.filter((l) => l.holder === n.nodeId).map((l) => l.name),
      })),
      leases: leases.map((l) => ({
        name: l.name,
        holder: l.expiresAt > now ? l.holder : null,
        epoch: l.epoch,
        acquiredAt: l.acquiredAt,
        expiresAt: l.expiresAt,
      })),
      outbox: {
        pending: lag.pending,
        oldestAgeMs: lag.oldestAt === null ? null : Math.max(0, Date.now() - lag.oldestAt),
        publishedHere: this.relay.published,
        relayHere: this.keeper.holds('outbox-relay'),
      },
      consumers,
      deadLetters: { open },
      bus: { kind: this.bus.kind, connected: this.bus.connected },
      store: { backend: this.store.backend },
    };
  }
}
