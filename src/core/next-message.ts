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
    let longest = 0, slowest = 0;
    for (let k = 1; k < captures.length; k++) longest = Math.max(longest, captures[k]! - captures[k - 1]!);
    for (const a of history) slowest = Math.max(slowest, a.ingestedAt - a.capturedAt);
    const last = captures.at(-1) ?? now;
    // Overdue (silent for twice its longest gap and its longest delay): the passes change nothing.
    const overdue = captures.length > 3 && now > last + 2 * longest + slowest;
    if (!overdue) {
      // A capture before now − the longest delay would have arrived by now: the passes from then on.
      const from = Math.max(last, now - slowest - 3_600_000);
      const to = now + Math.min(MAX_PLAN_MS, longest + 86_400_000);
      windows = passesCached(contacts, t, from, to, now);
    }
  }
  return forecastNextMessage(history, now, { level, ...(windows ? { contacts: windows } : {}) });
}

/** Passes over a terminal, kept for PASS_CACHE_MS of core time (a page refreshes every few seconds; SGP4 is not free). */
const PASS_CACHE_MS = 10 * 60_000;
const MAX_CACHED = 10_000;
const passCache = new Map<string, { at: number; from: number; to: number; windows: ContactWindow[] }>();

function passesCached(contacts: ContactPlanOracle, t: TerminalRecord, from: number, to: number, now: number): ContactWindow[] {
  const key = `${t.id}:${t.location!.lat}:${t.location!.lon}:${contacts.satelliteCount}`;
  const hit = passCache.get(key);
  if (hit && now - hit.at < PASS_CACHE_MS && now >= hit.at && hit.from <= from && hit.to >= to) return hit.windows;
  const windows = contacts.passesOver(t.location!, from, to + PASS_CACHE_MS).map((p) => ({ start: p.aos, end: p.los }));
  if (passCache.size >= MAX_CACHED) passCache.clear();
  passCache.set(key, { at: now, from, to: to + PASS_CACHE_MS, windows });
  return windows;
}
