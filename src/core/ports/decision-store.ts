import type { Page } from './page.js';

/**
 * An automated decision's life: `proposed` (waiting for a person, under the `suggest` policy) →
 * `executed` (approved, or taken at once under `auto`) → `undone`; or `proposed` → `rejected`; an
 * executed one whose command the downlink queue refused (a quota, a terminal gone) → `failed`.
 */
export type DecisionState = 'proposed' | 'executed' | 'rejected' | 'undone' | 'failed';
export const DECISION_STATES: readonly DecisionState[] = ['proposed', 'executed', 'rejected', 'undone', 'failed'];

/** Per tenant: take a rule's action at once (`auto`), or propose it for a person to approve (`suggest`). */
export type DecisionPolicy = 'auto' | 'suggest';
export const DECISION_POLICIES: readonly DecisionPolicy[] = ['auto', 'suggest'];

/** What a decision does: today, a downlink to the terminal (a command). */
export interface DecisionAction {
  readonly kind: 'downlink';
  readonly fPort: number;
  readonly payloadHex: string;
  readonly confirmed: boolean;
  readonly priority: 'normal' | 'emergency';
  /** The command the bytes were built for (codecs/commands.ts), when the rule's action named one. */
  readonly command?: string;
}

/**
 * One automated decision: what led to it (the rule, the alarm and its evidence — the inputs), the
 * model that judged them and how sure it was, the action, and who or what approved it, when.
 */
export interface Decision {
  readonly id: string;
  readonly tenantId: string;
  readonly terminalId: string;
  readonly devEui: string;
  readonly ruleId: string;
  readonly alarmId: string;
  readonly action: DecisionAction;
  /** The alarm's evidence: each condition leaf with the values behind it. JSON-safe, no payload bytes. */
  readonly inputs: Record<string, unknown>;
  /** What judged the inputs, e.g. `rule/anomaly:local-median` or `rule/threshold`. */
  readonly model: string;
  /**
   * The stored learned model (its version, parameters and training window) when a learned condition judged; else null.
   */
  readonly modelId: string | null;
  /** 0..1: the anomaly score where a learned condition decided, 1 for a plain rule. */
  readonly confidence: number;
  readonly policy: DecisionPolicy;
  readonly state: DecisionState;
  readonly createdAt: number;
  /** Who approved or rejected it (`policy:auto` for an automatic one) and when; null while proposed. */
  readonly decidedBy: string | null;
  readonly decidedAt: number | null;
  readonly reason: string | null;
  readonly undoneBy: string | null;
  readonly undoneAt: number | null;
  /** Increases with every write: updates are conditional on it. */
  readonly version: number;
}

export interface DecisionQuery {
  readonly tenantId?: string;
  readonly state?: DecisionState;
  readonly limit: number;
  readonly cursor?: string;
}

export interface DecisionStore {
  /** Inserts a decision; false (nothing written) when the alarm already has one. */
  create(d: Decision): Promise<boolean>;
  get(id: string): Promise<Decision | undefined>;
  /** Writes `d` with version expectedVersion + 1 if the stored row still has expectedVersion; false otherwise. */
  update(d: Decision, expectedVersion: number): Promise<boolean>;
  /** Newest first. */
  list(q: DecisionQuery): Promise<Page<Decision>>;
  /** The tenant's policy; undefined when it set none. */
  policy(tenantId: string): Promise<DecisionPolicy | undefined>;
  setPolicy(tenantId: string, policy: DecisionPolicy, at: number): Promise<void>;
}
