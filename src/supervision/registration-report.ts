import type { TerminalStatus } from '../core/model.js';
import { TERMINAL_STATUSES } from '../core/model.js';
import type { RegistrationService } from '../core/registration.js';

/**
 * The regulator's registration report: terminals by lifecycle state and declared sector, and the
 * suspended terminals with why and by whom. Metadata only: no owner names or identity numbers, no
 * keys, positions or payloads (a regulator reads it across tenants).
 */
export interface RegistrationReport {
  readonly generatedAt: number;
  readonly total: number;
  readonly byState: Readonly<Record<TerminalStatus, number>>;
  readonly bySector: ReadonlyArray<{
    readonly sector: string;
    readonly total: number;
    readonly byState: Readonly<Record<TerminalStatus, number>>;
  }>;
  readonly suspended: ReadonlyArray<SuspendedTerminal>;
  /** More suspended terminals exist than the report lists. */
  readonly suspendedTruncated: boolean;
}

export interface SuspendedTerminal {
  readonly devEui: string;
  readonly tenantId: string;
  readonly sector: string;
  readonly mobility: 'fixed' | 'mobile';
  readonly reason: string | null;
  /** `kind:id` of who suspended it (`system:anomaly-policy` for an automatic suspension). */
  readonly by: string | null;
  readonly at: number | null;
}

const zero = (): Record<TerminalStatus, number> =>
  Object.fromEntries(TERMINAL_STATUSES.map((s) => [s, 0])) as Record<TerminalStatus, number>;

export async function registrationReport(
  registration: RegistrationService,
  now: number,
  opts: { tenantId?: string; maxSuspended?: number } = {},
): Promise<RegistrationReport> {
  const byState = zero();
  const sectors = new Map<string, Record<TerminalStatus, number>>();
  let total = 0;
  for (const c of await registration.countByStatusAndSector()) {
    byState[c.status] += c.count;
    total += c.count;
    const s = sectors.get(c.sector) ?? zero();
    s[c.status] += c.count;
    sectors.set(c.sector, s);
  }
  const max = opts.maxSuspended ?? 1000;
  const suspended: SuspendedTerminal[] = [];
  let cursor: string | undefined;
  let truncated = false;
  do {
    const page = await registration.listByStatus({
      status: 'suspended',
      limit: 500,
      ...(opts.tenantId ? { tenantId: opts.tenantId } : {}),
      ...(cursor ? { cursor } : {}),
    });
    for (const r of page.items) {
      if (suspended.length >= max) {
        truncated = true;
        break;
      }
      const sc = registration.scenarioOf(r.devEui);
      suspended.push({
        devEui: r.devEui,
        tenantId: r.tenantId,
        sector: sc?.sector ?? 'undeclared',
        mobility: sc?.mobility ?? 'fixed',
        reason: r.statusReason,
        by: r.statusBy,
        at: r.statusAt,
      });
    }
    cursor = truncated ? undefined : page.nextCursor;
  } while (cursor);
  return {
    generatedAt: now,
    total,
    byState,
    bySector: [...sectors.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([sector, s]) => ({ sector, total: Object.values(s).reduce((x, y) => x + y, 0), byState: s })),
    suspended,
    suspendedTruncated: truncated,
  };
}
