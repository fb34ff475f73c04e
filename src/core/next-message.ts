import { latLngToCell } from 'h3-js';
import {
  forecastNextMessage,
  pooledSamples,
  PRIOR_WEIGHT,
  type Arrival,
  type ContactWindow,
  type NextMessageForecast,
  type PooledPrior,
} from '../learn/next-message.js';
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
export async function terminalNextMessage(
  store: Store,
  contacts: ContactPlanOracle,
  t: TerminalRecord,
  now: number,
  level = 0.8,
  peers?: () => Iterable<TerminalRecord>,
): Promise<NextMessageForecast> {
  const page = await store.messages.list({ terminalId: t.id, limit: HISTORY });
  const history: Arrival[] = page.items.map((m) => ({ capturedAt: m.capturedAt, ingestedAt: m.ingestedAt }));
  const bySatellite =
    page.items.length > 0 &&
    page.items.every((m) => m.receptions.length > 0 && m.receptions.every((r) => !r.gatewayEui));
  let windows: ContactWindow[] | undefined;
  if (bySatellite && t.location && t.transport !== 'iridium-sbd' && contacts.satelliteCount > 0) {
    const captures = history.map((a) => a.capturedAt).sort((a, b) => a - b);
    let longest = 0,
      slowest = 0;
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
  // A young terminal (fewer than PRIOR_WEIGHT reports) borrows its peers' rhythm.
  const prior = peers && history.length <= PRIOR_WEIGHT ? await pooledPrior(store, t, peers, now) : undefined;
  return forecastNextMessage(history, now, {
    level,
    ...(windows ? { contacts: windows } : {}),
    ...(prior ? { prior } : {}),
  });
}

/** Peers pooled per prior, their newest messages each, and how long a pool is kept (core time). */
const MAX_PEERS = 12;
const PEER_HISTORY = 100;
const PRIOR_CACHE_MS = 3_600_000;
/** H3 resolution of a region (about 12,000 km² a cell). */
const REGION_RESOLUTION = 3;
const priorCache = new Map<string, { at: number; prior: PooledPrior | undefined }>();

/**
 * The pooled prior of a terminal's peers: its tenant's terminals of the same profile in the same H3
 * region (resolution 3) when at least two others are there, else anywhere in the tenant; up to
 * MAX_PEERS of them with PRIOR_WEIGHT messages or more, their capture gaps and delivery delays.
 * Kept an hour per (tenant, profile, region). Never another tenant's terminals.
 */
async function pooledPrior(
  store: Store,
  t: TerminalRecord,
  peers: () => Iterable<TerminalRecord>,
  now: number,
): Promise<PooledPrior | undefined> {
  const regionOf = (x: TerminalRecord) =>
    x.location ? latLngToCell(x.location.lat, x.location.lon, REGION_RESOLUTION) : undefined;
  const region = regionOf(t);
  // Looked up before the registry is scanned: the scan is the expensive part.
  const cacheKey = `${t.tenantId}:${t.profile}:${region ?? '-'}`;
  const hit = priorCache.get(cacheKey);
  if (hit && now >= hit.at && now - hit.at < PRIOR_CACHE_MS) return hit.prior;
  const same: TerminalRecord[] = [];
  for (const x of peers())
    if (x.tenantId === t.tenantId && x.profile === t.profile && x.id !== t.id && x.enabled) same.push(x);
  const near = region ? same.filter((x) => regionOf(x) === region) : [];
  const pool = near.length >= 2 ? near : same;
  const key = `${t.profile}@${near.length >= 2 ? region : 'tenant'}`;
  const histories: Arrival[][] = [];
  for (const peer of pool) {
    if (histories.length >= MAX_PEERS) break;
    const items = (await store.messages.list({ terminalId: peer.id, limit: PEER_HISTORY })).items;
    if (items.length >= PRIOR_WEIGHT)
      histories.push(items.map((m) => ({ capturedAt: m.capturedAt, ingestedAt: m.ingestedAt })));
  }
  const { gaps, delays } = pooledSamples(histories);
  const prior = gaps.length > 0 ? { key, terminals: histories.length, gaps, delays } : undefined;
  if (priorCache.size >= 10_000) priorCache.clear();
  priorCache.set(cacheKey, { at: now, prior });
  return prior;
}

/**
 * Passes over a terminal, kept for PASS_CACHE_MS of core time (a page refreshes every few seconds; SGP4 is not free).
 */
const PASS_CACHE_MS = 10 * 60_000;
const MAX_CACHED = 10_000;
const passCache = new Map<string, { at: number; from: number; to: number; windows: ContactWindow[] }>();

function passesCached(
  contacts: ContactPlanOracle,
  t: TerminalRecord,
  from: number,
  to: number,
  now: number,
): ContactWindow[] {
  const key = `${t.id}:${t.location!.lat}:${t.location!.lon}:${contacts.satelliteCount}`;
  const hit = passCache.get(key);
  if (hit && now - hit.at < PASS_CACHE_MS && now >= hit.at && hit.from <= from && hit.to >= to) return hit.windows;
  const windows = contacts.passesOver(t.location!, from, to + PASS_CACHE_MS).map((p) => ({ start: p.aos, end: p.los }));
  if (passCache.size >= MAX_CACHED) passCache.clear();
  passCache.set(key, { at: now, from, to: to + PASS_CACHE_MS, windows });
  return windows;
}
