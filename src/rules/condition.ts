import { checkFieldPath } from './field-path.js';
import { type GeofenceArea, parseGeofenceArea } from './geofence-area.js';
import {
  fail,
  member,
  onlyKeys,
  readArray,
  readEnum,
  readInteger,
  readNumber,
  readObject,
  readString,
} from './json-reader.js';

/**
 * What a rule tests. Leaves read one field (threshold, rate), the position (geofence) or the
 * absence of messages (silence); `all`, `any` and `not` combine them in three-valued logic (see
 * truth.ts): a leaf whose field is missing is unknown, and unknown neither raises nor clears.
 */
export type Condition =
  | ThresholdCondition
  | RateCondition
  | GeofenceCondition
  | SilenceCondition
  | AnomalyCondition
  | ForecastCondition
  | AllCondition
  | AnyCondition
  | NotCondition;

export type ComparisonOp = '>' | '>=' | '<' | '<=' | '==' | '!=';
export const COMPARISON_OPS: readonly ComparisonOp[] = ['>', '>=', '<', '<=', '==', '!='];

/** `field op value`, e.g. values.waterLevelM > 12.5. `==` is exact: meant for flags and codes, not measurements. */
export interface ThresholdCondition {
  readonly kind: 'threshold';
  readonly field: string;
  readonly op: ComparisonOp;
  readonly value: number;
}

/**
 * True when the field rose by at least `rise` (or fell by at least `fall`, in the field's own
 * units) from the oldest sample inside the last `windowMinutes` to the current one. At least one of
 * rise and fall is given; both are positive.
 */
export interface RateCondition {
  readonly kind: 'rate';
  readonly field: string;
  readonly windowMinutes: number;
  readonly rise?: number;
  readonly fall?: number;
}

/**
 * True when the field's value scores at least `minScore` as an anomaly against the terminal's own
 * recent values (the last `history` of them; src/learn/anomaly.ts: a value off what its neighbours
 * expect, or a reading stuck for longer than the series ever holds still). Unknown until 16 values
 * have been seen. The learned replacement for a hand-set threshold.
 */
export interface AnomalyCondition {
  readonly kind: 'anomaly';
  readonly field: string;
  /** 0..1; 0.5 is 4 robust sigmas from what the neighbours expect (default). */
  readonly minScore: number;
  /** Values of the terminal's history the score is judged against (default 48). */
  readonly history: number;
}

/**
 * A pre-alarm: true when the field's forecast (src/learn/forecast.ts, fitted to the terminal's last
 * `history` values) crosses `op value` within `horizonMinutes`, read at `quantile` of its 80 %
 * interval — `upper` to warn early (the forecast could reach the line), `point` for the likeliest
 * course, `lower` only when even the optimistic bound crosses. Evaluated on the newest value only
 * (a late one is unknown), and unknown until 24 values are known or where no forecaster runs.
 */
export interface ForecastCondition {
  readonly kind: 'forecast';
  readonly field: string;
  readonly op: '>' | '>=' | '<' | '<=';
  readonly value: number;
  readonly horizonMinutes: number;
  readonly quantile: 'lower' | 'point' | 'upper';
  /** Values of the terminal's history the forecast is fitted to (default 96). */
  readonly history: number;
}

/** enter/leave are true on the message that crosses the boundary; inside/outside on every message. */
export type GeofenceTrigger = 'enter' | 'leave' | 'inside' | 'outside';

export interface GeofenceCondition {
  readonly kind: 'geofence';
  readonly area: GeofenceArea;
  readonly trigger: GeofenceTrigger;
}

/**
 * No message for `hours` although the terminal had at least `missedContacts` satellite contacts
 * in that time (0: the time alone decides). With `learned`, also only once the terminal is overdue
 * by its own next-message forecast (learn/next-message.ts): silent for twice its longest gap plus
 * its longest delay, so a terminal that reports daily is not called silent after `hours` of a
 * normal night, while one that reports every ten minutes is called so soon after `hours` (a
 * terminal with fewer than three gaps between its reports: on `hours` alone).
 * Evaluated on a timer by evaluateSilence; only allowed as a rule's whole condition, since a
 * message-driven leaf has no value at a timer tick.
 */
export interface SilenceCondition {
  readonly kind: 'silence';
  readonly hours: number;
  readonly missedContacts: number;
  readonly learned?: boolean;
}

export interface AllCondition {
  readonly kind: 'all';
  readonly conditions: readonly Condition[];
}

export interface AnyCondition {
  readonly kind: 'any';
  readonly conditions: readonly Condition[];
}

export interface NotCondition {
  readonly kind: 'not';
  readonly condition: Condition;
}

export const CONDITION_KINDS = [
  'threshold',
  'rate',
  'geofence',
  'silence',
  'anomaly',
  'forecast',
  'all',
  'any',
  'not',
] as const;
/** A forecast leaf's history bounds (values), and its horizon's (a week). */
export const MIN_FORECAST_HISTORY = 24;
export const MAX_FORECAST_HISTORY = 512;
const MAX_FORECAST_HORIZON_MINUTES = 7 * 24 * 60;
/** An anomaly leaf's history: enough to know the series, bounded so a message costs a bounded time. */
export const MIN_ANOMALY_HISTORY = 16;
export const MAX_ANOMALY_HISTORY = 256;

/** Nesting depth and leaf count are bounded so a rule costs a bounded time per message. */
export const MAX_CONDITION_DEPTH = 8;
export const MAX_CONDITION_LEAVES = 64;
/** Anomaly and forecast leaves per rule: each runs a model on every message. */
export const MAX_LEARNED_LEAVES = 4;
/** A rate window holds at most a week, a silence at most a year. */
const MAX_WINDOW_MINUTES = 7 * 24 * 60;
const MAX_SILENCE_HOURS = 366 * 24;

/**
 * A validated condition; throws RuleError naming the path of the first problem. Children of
 * all/any are named `<path>.all[i]` / `<path>.any[i]` and the operand of not `<path>.not`.
 */
export function parseCondition(v: unknown, path = 'condition'): Condition {
  const c = parseNode(v, path, 1, { leaves: 0 });
  if (c.kind !== 'silence' && containsSilence(c)) {
    fail(
      silencePath(c, path),
      "a silence condition must be the rule's whole condition: it is checked on a timer, not on messages",
    );
  }
  return c;
}

function parseNode(v: unknown, path: string, depth: number, budget: { leaves: number; learned?: number }): Condition {
  if (depth > MAX_CONDITION_DEPTH) fail(path, `nests deeper than ${MAX_CONDITION_DEPTH} levels`);
  const o = readObject(v, path);
  const kind = readEnum(member(o, 'kind'), `${path}.kind`, CONDITION_KINDS);
  if (kind === 'all' || kind === 'any') {
    onlyKeys(o, ['kind', 'conditions'], path);
    const items = readArray(member(o, 'conditions'), `${path}.conditions`, 1, MAX_CONDITION_LEAVES);
    return { kind, conditions: items.map((item, i) => parseNode(item, `${path}.${kind}[${i}]`, depth + 1, budget)) };
  }
  if (kind === 'not') {
    onlyKeys(o, ['kind', 'condition'], path);
    return { kind, condition: parseNode(member(o, 'condition'), `${path}.not`, depth + 1, budget) };
  }
  budget.leaves++;
  if (budget.leaves > MAX_CONDITION_LEAVES)
    fail(path, `is one leaf too many: a rule may test at most ${MAX_CONDITION_LEAVES}`);
  if (kind === 'anomaly' || kind === 'forecast') {
    budget.learned = (budget.learned ?? 0) + 1;
    if (budget.learned > MAX_LEARNED_LEAVES)
      fail(
        path,
        `is one learned condition too many: a rule may hold at most ${MAX_LEARNED_LEAVES} anomaly and ` +
          `forecast conditions (each costs a model run per message)`,
      );
  }
  switch (kind) {
    case 'threshold': {
      onlyKeys(o, ['kind', 'field', 'op', 'value'], path);
      return {
        kind,
        field: readField(member(o, 'field'), `${path}.field`),
        op: readEnum(member(o, 'op'), `${path}.op`, COMPARISON_OPS),
        value: readNumber(member(o, 'value'), `${path}.value`),
      };
    }
    case 'rate': {
      onlyKeys(o, ['kind', 'field', 'windowMinutes', 'rise', 'fall'], path);
      const field = readField(member(o, 'field'), `${path}.field`);
      const windowMinutes = readNumber(member(o, 'windowMinutes'), `${path}.windowMinutes`, 0, MAX_WINDOW_MINUTES);
      if (windowMinutes === 0) fail(`${path}.windowMinutes`, 'must be greater than 0');
      const rise = optionalPositive(member(o, 'rise'), `${path}.rise`);
      const fall = optionalPositive(member(o, 'fall'), `${path}.fall`);
      if (rise === undefined && fall === undefined) fail(path, 'needs rise, fall or both');
      return { kind, field, windowMinutes, ...(rise !== undefined && { rise }), ...(fall !== undefined && { fall }) };
    }
    case 'geofence': {
      onlyKeys(o, ['kind', 'area', 'trigger'], path);
      return {
        kind,
        area: parseGeofenceArea(member(o, 'area'), `${path}.area`),
        trigger: readEnum(member(o, 'trigger'), `${path}.trigger`, ['enter', 'leave', 'inside', 'outside'] as const),
      };
    }
    case 'anomaly': {
      onlyKeys(o, ['kind', 'field', 'minScore', 'history'], path);
      const minScore =
        member(o, 'minScore') === undefined ? 0.5 : readNumber(member(o, 'minScore'), `${path}.minScore`, 0, 1);
      if (minScore === 0) fail(`${path}.minScore`, 'must be greater than 0');
      const history =
        member(o, 'history') === undefined
          ? 48
          : readInteger(member(o, 'history'), `${path}.history`, MIN_ANOMALY_HISTORY, MAX_ANOMALY_HISTORY);
      return { kind, field: readField(member(o, 'field'), `${path}.field`), minScore, history };
    }
    case 'forecast': {
      onlyKeys(o, ['kind', 'field', 'op', 'value', 'horizonMinutes', 'quantile', 'history'], path);
      const horizonMinutes = readNumber(
        member(o, 'horizonMinutes'),
        `${path}.horizonMinutes`,
        0,
        MAX_FORECAST_HORIZON_MINUTES,
      );
      if (horizonMinutes === 0) fail(`${path}.horizonMinutes`, 'must be greater than 0');
      const quantile = member(o, 'quantile');
      const history = member(o, 'history');
      return {
        kind,
        field: readField(member(o, 'field'), `${path}.field`),
        op: readEnum(member(o, 'op'), `${path}.op`, ['>', '>=', '<', '<='] as const),
        value: readNumber(member(o, 'value'), `${path}.value`),
        horizonMinutes,
        quantile:
          quantile === undefined
            ? 'upper'
            : readEnum(quantile, `${path}.quantile`, ['lower', 'point', 'upper'] as const),
        history:
          history === undefined
            ? 96
            : readInteger(history, `${path}.history`, MIN_FORECAST_HISTORY, MAX_FORECAST_HISTORY),
      };
    }
    case 'silence': {
      onlyKeys(o, ['kind', 'hours', 'missedContacts', 'learned'], path);
      const hours = readNumber(member(o, 'hours'), `${path}.hours`, 0, MAX_SILENCE_HOURS);
      if (hours === 0) fail(`${path}.hours`, 'must be greater than 0');
      const learned = o['learned'];
      if (learned !== undefined && typeof learned !== 'boolean') fail(`${path}.learned`, 'must be true or false');
      return {
        kind,
        hours,
        missedContacts: readInteger(member(o, 'missedContacts'), `${path}.missedContacts`, 0, 100_000),
        ...(learned ? { learned: true } : {}),
      };
    }
  }
}

function readField(v: unknown, path: string): string {
  const s = readString(v, path, 256);
  checkFieldPath(s, path);
  return s;
}

function optionalPositive(v: unknown, path: string): number | undefined {
  if (v === undefined) return undefined;
  const n = readNumber(v, path, 0);
  if (n === 0) fail(path, 'must be greater than 0');
  return n;
}

function containsSilence(c: Condition): boolean {
  if (c.kind === 'silence') return true;
  if (c.kind === 'all' || c.kind === 'any') return c.conditions.some(containsSilence);
  if (c.kind === 'not') return containsSilence(c.condition);
  return false;
}

/** The path of the first silence leaf, for the error message. */
function silencePath(c: Condition, path: string): string {
  if (c.kind === 'all' || c.kind === 'any') {
    const i = c.conditions.findIndex(containsSilence);
    return silencePath(c.conditions[i]!, `${path}.${c.kind}[${i}]`);
  }
  if (c.kind === 'not') return silencePath(c.condition, `${path}.not`);
  return path;
}

/**
 * The field paths a condition reads, in its leaves (the core fetches reception metadata only for rules that read
 * `meta.*`).
 */
export function conditionFields(c: Condition): string[] {
  switch (c.kind) {
    case 'all':
    case 'any':
      return c.conditions.flatMap(conditionFields);
    case 'not':
      return conditionFields(c.condition);
    default:
      return 'field' in c && typeof c.field === 'string' ? [c.field] : [];
  }
}
