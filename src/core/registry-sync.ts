import type { Bus, Subscription } from './ports/bus.js';
import { decodeEvent } from './events/decode-event.js';
import { REGISTRY_SUBJECTS } from './events/subjects.js';
import type { RegistryEntity, RegistryEvent } from './events/registry-event.js';

type Listener = (e: RegistryEvent) => void | Promise<void>;

/**
 * Keeps this node's in-memory registry in step with the others' (docs/cluster.md, "What a node keeps
 * in memory"): a transient subscription to every registry event (`satiot.registry.>`) that calls the
 * listeners of its entity — the terminal registry reloads the terminal, the rules runner forgets the
 * tenant's rules, access control the key, and so on. A node's own changes are applied where they
 * are made and skipped here. Within a second of the commit in practice: the relay's poll, a
 * publish, a delivery.
 */
export class RegistrySync {
  private readonly listeners = new Map<RegistryEntity, Set<Listener>>();
  private sub: Subscription | undefined;
  /** Registry events applied (tests and metrics). */
  applied = 0;

  constructor(
    private readonly bus: Bus,
    private readonly nodeId: string,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  /** Calls `fn` with every change of `entity` made through another node; returns the way to stop. */
  on(entity: RegistryEntity, fn: Listener): () => void {
    let set = this.listeners.get(entity);
    if (!set) this.listeners.set(entity, (set = new Set()));
    set.add(fn);
    return () => set!.delete(fn);
  }

  async start(): Promise<void> {
    this.sub ??= await this.bus.subscribe(REGISTRY_SUBJECTS, async (m) => {
      const e = decodeEvent(m);
      if (e?.type !== 'registry' || e.body.node === this.nodeId) return;
      const { keys, ...one } = e.body;
      const changes: RegistryEvent[] = keys ? keys.map((key) => ({ ...one, key })) : [e.body];
      for (const fn of this.listeners.get(e.body.entity) ?? []) {
        for (const change of changes) {
          try {
            await fn(change);
          } catch (err) {
            // A failed reload is reported; the cache's own expiry is the fallback.
            this.onError(err);
          }
        }
      }
      this.applied++;
    });
  }

  async stop(): Promise<void> {
    await this.sub?.close();
    this.sub = undefined;
  }
}
