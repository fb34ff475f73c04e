/**
 * A change to what nodes keep in memory (docs/cluster.md, "What a node keeps in memory"): written
 * to the outbox with the change, published on `satiot.registry.<entity>`, and applied by every
 * node's registry listener (src/core/registry-sync.ts) within a second.
 */
export const REGISTRY_ENTITIES = ['terminal', 'station', 'satellites', 'api-key', 'rules'] as const;
export type RegistryEntity = (typeof REGISTRY_ENTITIES)[number];

export interface RegistryEvent {
  readonly kind: 'registry';
  readonly entity: RegistryEntity;
  /**
   * Which one changed: a terminal's DevEUI, a station's id, an API key's id, the tenant whose rules
   * changed; absent for the satellite catalogue. (User codecs cannot change once made and are read
   * through on a miss; integrations are cached for 5 s by design.)
   */
  readonly key?: string;
  /**
   * Several of one entity at once, instead of `key` (terminals registered in bulk: one event per
   * transaction of up to a few thousand); listeners are called once per key.
   */
  readonly keys?: readonly string[];
  /** The node that made the change (it applied it already). */
  readonly node: string;
  /** Unix ms. */
  readonly at: number;
}

export function isRegistryEntity(s: unknown): s is RegistryEntity {
  return typeof s === 'string' && (REGISTRY_ENTITIES as readonly string[]).includes(s);
}
