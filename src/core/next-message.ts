import { forecastNextMessage, type Arrival, type ContactWindow, type NextMessageForecast } from '../learn/next-message.js';
import type { ContactPlanOracle } from './contact-plan-oracle.js';
import type { TerminalRecord } from './model.js';
import type { Store } from './ports/store.js';

/** The newest messages a next-message forecast learns from. */
const HISTORY = 500;
/** How far ahead the contact plan is walked: past the longest gap the terminal shows, at most a week. */
const MAX_PLAN_MS = 7 * 86_400_000;

/**
 * A terminal's next-message forecast (learn/next-message.ts) from its newest HISTORY messages. A
 * terminal heard only through our satellites (no gateway copy, not Iridium) with a known position
 * has its captures placed in the passes over it from the contact plan.
 */
export async function terminalNextMessage(store: Store, contacts: ContactPlanOracle, t: TerminalRecord, now: number, level = 0.8): Promise<NextMessageForecast> {
  const page = await store.listMessages({ terminalId: t.id, limit: HISTORY });
  const history: Arrival[] = page.items.map((m) => ({ capturedAt: m.capturedAt, ingestedAt: m.ingestedAt }));
  const bySatellite = page.items.length > 0 && page.items.every((m) => m.receptions.length > 0 && m.receptions.every((r) => !r.gatewayEui));
  let windows: ContactWindow[] | undefined;
  if (bySatellite && t.location && t.transport !== 'iridium-sbd' && contacts.satelliteCount > 0) {
    const captures = history.map((a) => a.capturedAt).sort((a, b) => a - b);
    const from = Math.min(now, captures.at(-1) ?? now);
    let longest = 0;
    for (let k = 1; k < captures.length; k++) longest = Math.max(longest, captures[k]! - captures[k - 1]!);
    const to = now + Math.min(MAX_PLAN_MS, longest + 86_400_000);
    windows = contacts.passesOver(t.location, from, to).map((p) => ({ start: p.aos, end: p.los }));
  }
  return forecastNextMessage(history, now, { level, ...(windows ? { contacts: windows } : {}) });
}
