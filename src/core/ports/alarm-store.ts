import type { Alarm, AlarmState } from '../../rules/index.js';
import type { Page } from './page.js';

export interface AlarmQuery {
  readonly tenantId?: string;
  readonly devEui?: string;
  /** `open`: raised or acknowledged. */
  readonly state?: AlarmState | 'open';
  readonly severity?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/** Alarms raised by rules, kept as history once cleared. */
export interface AlarmStore {
  /** The alarm of (rule, terminal) that is raised or acknowledged, if any (at most one exists). */
  getOpen(ruleId: string, terminalId: string): Promise<Alarm | undefined>;
  /** Creates or replaces an alarm by id. */
  save(a: Alarm): Promise<void>;
  get(id: string): Promise<Alarm | undefined>;
  /** Newest raised first. */
  list(q: AlarmQuery): Promise<Page<Alarm>>;
}
