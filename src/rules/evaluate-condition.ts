import {
  MIN_ANOMALY_HISTORY,
  MIN_FORECAST_HISTORY,
  type AnomalyCondition,
  type ComparisonOp,
  type Condition,
  type ForecastCondition,
  type GeofenceCondition,
  type RateCondition,
} from './condition.js';
import { detectAnomalies } from '../learn/anomaly.js';
import { forecastSeries } from '../learn/forecast.js';
import type { ForecastEngine } from '../learn/engine.js';
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
  /** The numerical engine forecast conditions run on (absent: they are unknown). */
  readonly engine?: ForecastEngine;
}

/** What one leaf saw: its path, kind, truth and the values behind it. JSON-safe. */
export type LeafEvidence = { readonly path: string; readonly kind: string; readonly truth: Truth } & {
  readonly [k: string]: unknown;
};

/**
 * Evaluates the tree for one message. Every leaf runs, none is short-circuited, because rate and
 * geofence leaves must record each message in `leaves` (mutated in place: the caller passes a copy).
 */
export function evaluateCondition(
  c: Condition,
  leaves: Record<string, LeafState>,
  input: ConditionInput,
  path = 'condition',
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
    case 'forecast':
      return leaf(evaluateForecast(c, leaves, input, path));
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
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

function evaluateRate(
  c: RateCondition,
  leaves: Record<string, LeafState>,
  input: ConditionInput,
  path: string,
): LeafEvidence {
  const base = {
    path,
    kind: c.kind,
    field: c.field,
    windowMinutes: c.windowMinutes,
    rise: c.rise ?? null,
    fall: c.fall ?? null,
  };
  const value = readNumericField(c.field, input.decoded, input.meta);
  if (value === undefined) return { ...base, truth: 'unknown', value: null };
  const windowMs = c.windowMinutes * 60_000;
  const held = leaves[path];
  const before: RateWindow = held?.kind === 'rate' ? held : EMPTY_RATE_WINDOW;
  const after = addSample(before, input.at, value, windowMs);
  leaves[path] = { kind: 'rate', samples: after.samples, horizon: after.horizon };
  const r = rateAt(after, input.at, windowMs, c);
  return {
    ...base,
    truth: r.truth,
    value,
    from: r.from ?? null,
    to: r.to ?? null,
    change: r.change ?? null,
    samples: r.samples,
  };
}

/** The leaf's history with (at, value) in its place by capture time (one reading per time), its newest `max`. */
function remember(
  leaves: Record<string, LeafState>,
  path: string,
  kind: 'anomaly' | 'forecast',
  at: number,
  value: number,
  max: number,
): Array<readonly [number, number]> {
  const held = leaves[path];
  const samples = held?.kind === kind ? held.samples.filter((s) => s[0] !== at) : [];
  const i = samples.findIndex((s) => s[0] > at);
  samples.splice(i < 0 ? samples.length : i, 0, [at, value === 0 ? 0 : value]);
  const kept = samples.slice(-max);
  leaves[path] = { kind, samples: kept };
  return kept;
}

/**
 * The forecast of the field, fitted to the terminal's history up to this (newest) value: the first
 * step within the horizon where the chosen quantile compares true with the threshold. Its evidence
 * carries that crossing — when, the forecast and its interval — or, when there is none, the
 * quantile's extreme over the horizon.
 */
function evaluateForecast(
  c: ForecastCondition,
  leaves: Record<string, LeafState>,
  input: ConditionInput,
  path: string,
): LeafEvidence {
  const base = {
    path,
    kind: c.kind,
    field: c.field,
    op: c.op,
    threshold: c.value,
    horizonMinutes: c.horizonMinutes,
    quantile: c.quantile,
  };
  const value = readNumericField(c.field, input.decoded, input.meta);
  if (value === undefined) return { ...base, truth: 'unknown', value: null };
  const kept = remember(leaves, path, 'forecast', input.at, value, c.history);
  if (input.late) return { ...base, truth: 'unknown', value, reason: 'late: a forecast is made from the newest value' };
  if (kept.length < MIN_FORECAST_HISTORY) return { ...base, truth: 'unknown', value, samples: kept.length };
  if (!input.engine) return { ...base, truth: 'unknown', value, reason: 'no forecaster runs here' };
  const t = kept.map((s) => s[0]),
    y = kept.map((s) => s[1]);
  const step = (t[t.length - 1]! - t[0]!) / (t.length - 1);
  const horizon = Math.max(1, Math.min(1000, Math.ceil((c.horizonMinutes * 60_000) / Math.max(step, 1))));
  let f;
  try {
    f = forecastSeries({ t, y }, horizon, input.engine);
  } catch {
    return { ...base, truth: 'unknown', value, reason: 'the history cannot be forecast' };
  }
  const end = input.at + c.horizonMinutes * 60_000;
  const within = f.points.filter((p) => p.t <= end);
  const read = (p: (typeof within)[number]) =>
    c.quantile === 'lower' ? p.lower : c.quantile === 'upper' ? p.upper : p.value;
  const hit = within.find((p) => compare(read(p), c.op, c.value));
  const at = (p: (typeof within)[number]) => ({
    at: new Date(p.t).toISOString(),
    forecast: p.value,
    lower: p.lower,
    upper: p.upper,
  });
  // What was fitted, so a decision can store the very model that judged (docs/intelligence.md).
  const { trainedFrom, trainedTo, observations, ...fitted } = f.model;
  const fit = { trainedFrom, trainedTo, observations, params: { ...fitted, quantile: c.quantile } };
  if (hit) return { ...base, truth: 'true', value, crossing: at(hit), model: f.model.kind, samples: kept.length, fit };
  const extreme = within.reduce(
    (a, p) => (c.op === '>' || c.op === '>=' ? (read(p) > read(a) ? p : a) : read(p) < read(a) ? p : a),
    within[0]!,
  );
  return {
    ...base,
    truth: within.length ? 'false' : 'unknown',
    value,
    nearest: within.length ? at(extreme) : null,
    model: f.model.kind,
    samples: kept.length,
    fit,
  };
}

/**
 * The value joins the terminal's history (by capture time: a late one takes its place) and is
 * scored against it. The newest value is judged from the values before it; a late one from both
 * sides. Two readings with one capture time are one: the newer replaces it.
 */
function evaluateAnomaly(
  c: AnomalyCondition,
  leaves: Record<string, LeafState>,
  input: ConditionInput,
  path: string,
): LeafEvidence {
  const base = { path, kind: c.kind, field: c.field, minScore: c.minScore };
  const value = readNumericField(c.field, input.decoded, input.meta);
  if (value === undefined) return { ...base, truth: 'unknown', value: null };
  const kept = remember(leaves, path, 'anomaly', input.at, value, c.history);
  if (!kept.some((s) => s[0] === input.at))
    return { ...base, truth: 'unknown', value, reason: 'older than the history kept' };
  if (kept.length < MIN_ANOMALY_HISTORY) return { ...base, truth: 'unknown', value, samples: kept.length };
  const r = detectAnomalies({ t: kept.map((s) => s[0]), y: kept.map((s) => s[1]) }, { threshold: c.minScore });
  // The regular grid may have moved the value to its nearest step: the point closest in time is it.
  let p = r.points[0]!;
  for (const q of r.points) if (Math.abs(q.t - input.at) < Math.abs(p.t - input.at)) p = q;
  return {
    ...base,
    truth: truthOf(p.score >= c.minScore),
    value,
    score: p.score,
    reason: p.reason,
    expected: p.expected,
    lower: p.lower,
    upper: p.upper,
    samples: kept.length,
    fit: { trainedFrom: kept[0]![0], trainedTo: kept[kept.length - 1]![0], observations: kept.length, params: r.model },
  };
}

function evaluateGeofence(
  c: GeofenceCondition,
  leaves: Record<string, LeafState>,
  input: ConditionInput,
  path: string,
): LeafEvidence {
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
  const truth: Truth =
    previous === null ? 'unknown' : truthOf(c.trigger === 'enter' ? !previous && inside : previous && !inside);
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
  const lat = member(v, 'lat'),
    lon = member(v, 'lon');
  if (typeof lat !== 'number' || typeof lon !== 'number') return null;
  if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) return null;
  return { lat, lon };
}

function member(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.hasOwn(v, key)
    ? (v as Record<string, unknown>)[key]
    : undefined;
}
