import { createHash } from 'node:crypto';
import { MAX_ANOMALY_HISTORY, MAX_FORECAST_HISTORY, type Condition } from './condition.js';
import type { Sample } from './rate-window.js';

/**
 * What the engine remembers per (rule, terminal) between messages: whether the rule's alarm is up,
 * the hysteresis clock and each stateful leaf's memory. A plain JSON value: the core persists it
 * as it is and hands it back on the next evaluation. Times are Unix ms of event time (capturedAt).
 */
export interface RuleState {
  readonly version: 1;
  /** Fingerprint of the condition the leaf states belong to: editing a rule's condition resets them. */
  readonly conditionKey: string;
  /** The condition fired and has not cleared since. */
  readonly active: boolean;
  readonly raisedAt: number | null;
  /** Newest capture time evaluated; a message captured before it is late. */
  readonly latestAt: number | null;
  /** While active: when the current run of false evaluations began (hysteresis), else null. */
  readonly falseSince: number | null;
  /** Keyed by the leaf's path in the rule (`condition`, `condition.all[1]`, …). */
  readonly leaves: { readonly [path: string]: LeafState };
}

export type LeafState =
  | { readonly kind: 'rate'; readonly samples: readonly Sample[]; readonly horizon: number | null }
  /** The last known side of a geofence, for enter/leave. */
  | { readonly kind: 'geofence'; readonly inside: boolean; readonly at: number }
  /** When the terminal was last heard as of the silence alarm's raise. */
  | { readonly kind: 'silence'; readonly lastHeardAt: number }
  /** An anomaly leaf's history: [capturedAt, value], oldest first, at most its `history` newest. */
  | { readonly kind: 'anomaly'; readonly samples: readonly Sample[] }
  /** A forecast leaf's history, as an anomaly leaf's. */
  | { readonly kind: 'forecast'; readonly samples: readonly Sample[] };

const keys = new WeakMap<Condition, string>();

export function conditionKey(c: Condition): string {
  let k = keys.get(c);
  if (k === undefined) {
    k = createHash('sha256').update(JSON.stringify(c)).digest('hex').slice(0, 16);
    keys.set(c, k);
  }
  return k;
}

export function initialRuleState(c: Condition): RuleState {
  return {
    version: 1,
    conditionKey: conditionKey(c),
    active: false,
    raisedAt: null,
    latestAt: null,
    falseSince: null,
    leaves: {},
  };
}

/**
 * A stored state made safe to use: anything unreadable starts afresh, leaf states of an edited
 * condition are dropped, and whether an alarm is up survives the edit (so it can still clear).
 */
export function restoreRuleState(c: Condition, raw: unknown): RuleState {
  const fresh = initialRuleState(c);
  if (typeof raw !== 'object' || raw === null) return fresh;
  const s = raw as Partial<Record<keyof RuleState, unknown>>;
  if (s.version !== 1 || typeof s.active !== 'boolean') return fresh;
  const leaves: Record<string, LeafState> = {};
  if (s.conditionKey === fresh.conditionKey && typeof s.leaves === 'object' && s.leaves !== null) {
    for (const [path, leaf] of Object.entries(s.leaves)) if (isLeafState(leaf)) leaves[path] = leaf;
  }
  return {
    ...fresh,
    active: s.active,
    raisedAt: s.active ? timeOrNull(s.raisedAt) : null,
    latestAt: timeOrNull(s.latestAt),
    falseSince: s.active ? timeOrNull(s.falseSince) : null,
    leaves,
  };
}

function timeOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function isLeafState(v: unknown): v is LeafState {
  if (typeof v !== 'object' || v === null) return false;
  const l = v as Record<string, unknown>;
  switch (l.kind) {
    case 'rate':
      return (
        Array.isArray(l.samples) &&
        (l.horizon === null || Number.isFinite(l.horizon)) &&
        l.samples.every((x) => Array.isArray(x) && x.length === 2 && Number.isFinite(x[0]) && Number.isFinite(x[1]))
      );
    case 'geofence':
      return typeof l.inside === 'boolean' && Number.isFinite(l.at);
    case 'silence':
      return Number.isFinite(l.lastHeardAt);
    case 'anomaly':
    case 'forecast':
      return (
        Array.isArray(l.samples) &&
        l.samples.length <= (l.kind === 'anomaly' ? MAX_ANOMALY_HISTORY : MAX_FORECAST_HISTORY) &&
        l.samples.every((x) => Array.isArray(x) && x.length === 2 && Number.isFinite(x[0]) && Number.isFinite(x[1]))
      );
    default:
      return false;
  }
}
