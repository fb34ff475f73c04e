import { MIN_ANOMALY_HISTORY, type AnomalyCondition, type ComparisonOp, type Condition, type GeofenceCondition, type RateCondition } from './condition.js';
import { detectAnomalies } from '../learn/anomaly.js';
import { readNumericField } from './field-path.js';
import { areaContains } from './geofence-area.js';
import { addSample, EMPTY_RATE_WINDOW, type RateWindow, rateAt } from './rate-window.js';
import type { LeafState } from './rule-state.js';
import { allOf, anyOf, notOf, type Truth, truthOf } from './truth.js';

/** One message as the condition tree sees it. */
export interface ConditionInput {
  readonly decoded: unknown;
  readonly meta: unknown;
  /** The terminal's registered position (degrees), used when the message carries none. */
  readonly location: unknown;
  /** Capture time, Unix ms. */
  readonly at: number;
  /** Captured before the newest message already evaluated: edge triggers cannot judge it. */
  readonly late: boolean;
}

/** What one leaf saw: its path, kind, truth and the values behind it. JSON-safe. */
export type LeafEvidence = { readonly path: string; readonly kind: string; readonly truth: Truth } & { readonly [k: string]: unknown };

/**
 * Evaluates the tree for one message. Every leaf runs, none is short-circuited, because rate and
 * geofence leaves must record each message in `leaves` (mutated in place: the caller passes a copy).
 */
export function evaluateCondition(
  c: Condition, leaves: Record<string, LeafState>, input: ConditionInput, path = 'condition',
): { truth: Truth; evidence: LeafEvidence[] } {
  switch (c.kind) {
    case 'all':
    case 'any': {
      const parts = c.conditions.map((child, i) => evaluateCondition(child, leaves, input, `${path}.${c.kind}[${i}]`));
      const truths = parts.map((p) => p.truth);
      return { truth: c.kind === 'all' ? allOf(truths) : anyOf(truths), evidence: parts.flatMap((p) => p.evidence) };
    }
    case 'not': {
      const inner = evaluateCondition(c.condition, leaves, input, `${path}.not`);
      return { truth: notOf(inner.truth), evidence: inner.evidence };
    }
    case 'threshold': {
      const value = readNumericField(c.field, input.decoded, input.meta);
      const truth: Truth = value === undefined ? 'unknown' : truthOf(compare(value, c.op, c.value));
      return leaf({ path, kind: c.kind, truth, field: c.field, value: value ?? null, op: c.op, threshold: c.value });
    }
    case 'rate':
      return leaf(evaluateRate(c, leaves, input, path));
    case 'geofence':
      return leaf(evaluateGeofence(c, leaves, input, path));
    case 'anomaly':
      return leaf(evaluateAnomaly(c, leaves, input, path));
    case 'silence':
      // A message is being evaluated, so the terminal was heard: not silent.
      return leaf({ path, kind: c.kind, truth: 'false' });
  }
}

function leaf(e: LeafEvidence): { truth: Truth; evidence: LeafEvidence[] } {
  return { truth: e.truth, evidence: [e] };
}

function compare(a: number, op: ComparisonOp, b: number): boolean {
  switch (op) {
    case '>': return a > b;
    case '>=': return a >= b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '==': return a === b;
    case '!=': return a !== b;
  }
}

function evaluateRate(c: RateCondition, leaves: Record<string, LeafState>, input: ConditionInput, path: string): LeafEvidence {
  const base = { path, kind: c.kind, field: c.field, windowMinutes: c.windowMinutes, rise: c.rise ?? null, fall: c.fall ?? null };
  const value = readNumericField(c.field, input.decoded, input.meta);
  if (value === undefined) return { ...base, truth: 'unknown', value: null };
  const windowMs = c.windowMinutes * 60_000;
  const held = leaves[path];
  const before: RateWindow = held?.kind === 'rate' ? held : EMPTY_RATE_WINDOW;
  const after = addSample(before, input.at, value, windowMs);
  leaves[path] = { kind: 'rate', samples: after.samples, horizon: after.horizon };
  const r = rateAt(after, input.at, windowMs, c);
  return { ...base, truth: r.truth, value, from: r.from ?? null, to: r.to ?? null, change: r.change ?? null, samples: r.samples };
}

/**
 * The value joins the terminal's history (by capture time: a late one takes its place) and is
 * scored against it. The newest value is judged from the values before it; a late one from both
 * sides. Two readings with one capture time are one: the newer replaces it.
 */
function evaluateAnomaly(c: AnomalyCondition, leaves: Record<string, LeafState>, input: ConditionInput, path: string): LeafEvidence {
  const base = { path, kind: c.kind, field: c.field, minScore: c.minScore };
  const value = readNumericField(c.field, input.decoded, input.meta);
  if (value === undefined) return { ...base, truth: 'unknown', value: null };
  const held = leaves[path];
  const samples = held?.kind === 'anomaly' ? held.samples.filter((s) => s[0] !== input.at) : [];
  const i = samples.findIndex((s) => s[0] > input.at);
  samples.splice(i < 0 ? samples.length : i, 0, [input.at, value === 0 ? 0 : value]);
  const kept = samples.slice(-c.history);
  leaves[path] = { kind: 'anomaly', samples: kept };
  if (!kept.some((s) => s[0] === input.at)) return { ...base, truth: 'unknown', value, reason: 'older than the history kept' };
  if (kept.length < MIN_ANOMALY_HISTORY) return { ...base, truth: 'unknown', value, samples: kept.length };
  const r = detectAnomalies({ t: kept.map((s) => s[0]), y: kept.map((s) => s[1]) }, { threshold: c.minScore });
  // The regular grid may have moved the value to its nearest step: the point closest in time is it.
  let p = r.points[0]!;
  for (const q of r.points) if (Math.abs(q.t - input.at) < Math.abs(p.t - input.at)) p = q;
  return {
    ...base, truth: truthOf(p.score >= c.minScore), value, score: p.score, reason: p.reason,
    expected: p.expected, lower: p.lower, upper: p.upper, samples: kept.length,
  };
}

function evaluateGeofence(c: GeofenceCondition, leaves: Record<string, LeafState>, input: ConditionInput, path: string): LeafEvidence {
  const base = { path, kind: c.kind, trigger: c.trigger };
  const position = positionOf(input);
  if (position === null) return { ...base, truth: 'unknown', position: null };
  const inside = areaContains(c.area, position.lat, position.lon);
  if (c.trigger === 'inside' || c.trigger === 'outside') {
    return { ...base, truth: truthOf(inside === (c.trigger === 'inside')), position, inside };
  }
  // enter/leave compare with the side at the previous capture time. A late message's predecessor is
  // not known (only the newest side is kept), so it is unknown and leaves the remembered side alone.
  if (input.late) return { ...base, truth: 'unknown', position, inside, late: true };
  const held = leaves[path];
  const previous = held?.kind === 'geofence' ? held.inside : null;
  leaves[path] = { kind: 'geofence', inside, at: input.at };
  // The first position ever seen has nothing to cross from: unknown, neither an enter nor not one.
  const truth: Truth = previous === null ? 'unknown' : truthOf(c.trigger === 'enter' ? !previous && inside : previous && !inside);
  return { ...base, truth, position, inside, previousInside: previous };
}

/** `position.lat/lon` of the decoded object, else the terminal's registered location, else null. */
function positionOf(input: ConditionInput): { lat: number; lon: number; source: 'message' | 'registered' } | null {
  const fromMessage = latLon(member(input.decoded, 'position'));
  if (fromMessage) return { ...fromMessage, source: 'message' };
  const registered = latLon(input.location);
  return registered ? { ...registered, source: 'registered' } : null;
}

function latLon(v: unknown): { lat: number; lon: number } | null {
  const lat = member(v, 'lat'), lon = member(v, 'lon');
  if (typeof lat !== 'number' || typeof lon !== 'number') return null;
  if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) return null;
  return { lat, lon };
}

function member(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined;
}
