import { type Condition, parseCondition } from './condition.js';
import {
  fail,
  member,
  onlyKeys,
  readArray,
  readBoolean,
  readEnum,
  readInteger,
  readNumber,
  readObject,
  readString,
} from './json-reader.js';
import { RuleError } from './rule-error.js';

/**
 * An alarm rule of one tenant: which terminals it watches (scope), what it tests (condition), how
 * long the condition must stay false before the alarm clears on its own, and an optional downlink
 * sent when it raises. Rules are data (JSON, stored by the core); `parseRule` is the only way in.
 */
export interface Rule {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly severity: Severity;
  /** Default true. A disabled rule evaluates nothing and keeps its state as it is. */
  readonly enabled: boolean;
  readonly scope: RuleScope;
  readonly condition: Condition;
  /**
   * Hysteresis, minutes of event time (capturedAt): the condition must have been false for this
   * long before the alarm clears; default 0 (the first false clears). Ignored by silence rules,
   * which clear on the next message.
   */
  readonly clearAfterMinutes?: number;
  readonly action?: RuleAction;
}

export type Severity = 'info' | 'warning' | 'critical' | 'emergency';
export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical', 'emergency'];

/**
 * Which terminals a rule watches. Each list given narrows the scope (a terminal must match every
 * list present, any entry within one); no list means all the tenant's terminals.
 */
export interface RuleScope {
  /** Lowercase, 16 hex digits. */
  readonly devEuis?: readonly string[];
  /** Terminals the rule never watches (e.g. stations that have rules of their own). */
  readonly excludeDevEuis?: readonly string[];
  /** Terminal profiles: fixed-collector, vehicle, vessel, … */
  readonly profiles?: readonly string[];
  /** Payload codec names: jt808, sl651, line-monitor, user:<id>, … */
  readonly codecs?: readonly string[];
}

export interface RuleAction {
  readonly downlink?: DownlinkAction;
  /** A command built for the terminal when the action is taken (one of downlink and command). */
  readonly command?: CommandAction;
  /**
   * Take the action at once (`auto`) or propose it for approval (`suggest`); absent: the tenant's policy
   * (docs/intelligence.md).
   */
  readonly policy?: 'auto' | 'suggest';
}

/** A downlink queued for the terminal when the rule raises (e.g. a valve-close or a siren command). */
export interface DownlinkAction {
  /** LoRaWAN application port, 1–223. */
  readonly fPort: number;
  /** Lowercase hex, at most 242 bytes (the largest LoRaWAN application payload); may be empty. */
  readonly payloadHex: string;
  /** Default false. */
  readonly confirmed: boolean;
  /** Default normal; emergency jumps the terminal's downlink queue. */
  readonly priority: 'normal' | 'emergency';
}

/** The commands an action may name; the codecs build them (codecs/commands.ts, which the core calls). */
export const COMMAND_NAMES = ['sl651.intensive-reporting', 'line-monitor.sampling-period'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/**
 * A command the codec builds when the action is taken, addressed from the report that raised the
 * alarm (codecs/commands.ts): `sl651.intensive-reporting` (SL 651's 0x42 with a shorter
 * added-report interval) or `line-monitor.sampling-period` (an I1 control frame A3 that sets how
 * often the device samples the kind of data that raised the alarm). Sent as a downlink on `fPort`.
 */
export interface CommandAction {
  readonly name: CommandName;
  /** sl651.intensive-reporting: added reports every this many minutes (1–59; default 5). */
  readonly addReportMinutes?: number;
  /** sl651.intensive-reporting: timed reports every this many hours (1–24; default unchanged). */
  readonly timedReportHours?: number;
  /** line-monitor.sampling-period: sample every this many minutes (1–1,440; default 10). */
  readonly sampleMinutes?: number;
  /** line-monitor.sampling-period: heartbeat every this many minutes (1–255; default unchanged). */
  readonly heartbeatMinutes?: number;
  readonly fPort: number;
  /** Default true: a station's configuration change is worth an acknowledgement. */
  readonly confirmed: boolean;
  readonly priority: 'normal' | 'emergency';
}

const MAX_SCOPE_ENTRIES = 10_000;
const MAX_DOWNLINK_BYTES = 242;
const MAX_CLEAR_AFTER_MINUTES = 7 * 24 * 60;

/**
 * A validated rule from JSON: an already-parsed value, or a string read as JSON text. Unknown
 * fields are refused (a misspelt optional field would otherwise be ignored without a word), so
 * the core strips its own bookkeeping (createdAt, …) before calling. Throws RuleError, and only
 * RuleError, naming the path of the first problem.
 */
export function parseRule(input: unknown): Rule {
  let json = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (e) {
      throw new RuleError(`rule is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, 'rule');
    }
  }
  const o = readObject(json, 'rule');
  onlyKeys(
    o,
    ['id', 'tenantId', 'name', 'severity', 'enabled', 'scope', 'condition', 'clearAfterMinutes', 'action'],
    'rule',
  );
  const enabled = member(o, 'enabled');
  const clearAfter = member(o, 'clearAfterMinutes');
  const action = member(o, 'action');
  const rule: Rule = {
    id: readString(member(o, 'id'), 'id', 128),
    tenantId: readString(member(o, 'tenantId'), 'tenantId', 128),
    name: readString(member(o, 'name'), 'name', 256),
    severity: readEnum(member(o, 'severity'), 'severity', SEVERITIES),
    enabled: enabled === undefined ? true : readBoolean(enabled, 'enabled'),
    scope: parseScope(member(o, 'scope')),
    condition: parseCondition(member(o, 'condition'), 'condition'),
    clearAfterMinutes:
      clearAfter === undefined ? 0 : readNumber(clearAfter, 'clearAfterMinutes', 0, MAX_CLEAR_AFTER_MINUTES),
    ...(action !== undefined && { action: parseAction(action) }),
  };
  if (rule.action?.command && rule.condition.kind === 'silence')
    fail('action.command', 'is built from the report that raised the alarm, and a silence rule raises without one');
  return rule;
}

function parseScope(v: unknown): RuleScope {
  if (v === undefined) return {};
  const o = readObject(v, 'scope');
  onlyKeys(o, ['devEuis', 'excludeDevEuis', 'profiles', 'codecs'], 'scope');
  const scope: { devEuis?: string[]; excludeDevEuis?: string[]; profiles?: string[]; codecs?: string[] } = {};
  for (const key of ['devEuis', 'excludeDevEuis'] as const) {
    const list = member(o, key);
    if (list === undefined) continue;
    scope[key] = readList(list, `scope.${key}`).map((s, i) => {
      if (!/^[0-9a-fA-F]{16}$/.test(s)) fail(`scope.${key}[${i}]`, 'must be a DevEUI of 16 hex digits');
      return s.toLowerCase();
    });
  }
  for (const key of ['profiles', 'codecs'] as const) {
    const list = member(o, key);
    if (list !== undefined) scope[key] = readList(list, `scope.${key}`);
  }
  return scope;
}

/** An empty list is refused rather than read as "no terminal" or as "every terminal": both readings are plausible. */
function readList(v: unknown, path: string): string[] {
  return readArray(v, path, 1, MAX_SCOPE_ENTRIES).map((s, i) => readString(s, `${path}[${i}]`, 128));
}

function parseAction(v: unknown): RuleAction {
  const o = readObject(v, 'action');
  onlyKeys(o, ['downlink', 'command', 'policy'], 'action');
  const p = member(o, 'policy');
  const policy = p === undefined ? undefined : readEnum(p, 'action.policy', ['auto', 'suggest'] as const);
  const d = member(o, 'downlink');
  const c = member(o, 'command');
  if (d !== undefined && c !== undefined) fail('action', 'holds a downlink or a command, not both');
  if (c !== undefined) return { ...(policy ? { policy } : {}), command: parseCommand(c) };
  if (d === undefined) return policy ? { policy } : {};
  const dl = readObject(d, 'action.downlink');
  onlyKeys(dl, ['fPort', 'payloadHex', 'confirmed', 'priority'], 'action.downlink');
  const hex = member(dl, 'payloadHex');
  if (typeof hex !== 'string') fail('action.downlink.payloadHex', 'must be a string');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) fail('action.downlink.payloadHex', 'must be hex digits, two per byte');
  if (hex.length / 2 > MAX_DOWNLINK_BYTES)
    fail('action.downlink.payloadHex', `must be at most ${MAX_DOWNLINK_BYTES} bytes`);
  const confirmed = member(dl, 'confirmed');
  const priority = member(dl, 'priority');
  return {
    ...(policy ? { policy } : {}),
    downlink: {
      fPort: readInteger(member(dl, 'fPort'), 'action.downlink.fPort', 1, 223),
      payloadHex: hex.toLowerCase(),
      confirmed: confirmed === undefined ? false : readBoolean(confirmed, 'action.downlink.confirmed'),
      priority:
        priority === undefined
          ? 'normal'
          : readEnum(priority, 'action.downlink.priority', ['normal', 'emergency'] as const),
    },
  };
}

function parseCommand(v: unknown): CommandAction {
  const o = readObject(v, 'action.command');
  onlyKeys(
    o,
    [
      'name',
      'addReportMinutes',
      'timedReportHours',
      'sampleMinutes',
      'heartbeatMinutes',
      'fPort',
      'confirmed',
      'priority',
    ],
    'action.command',
  );
  const name = readEnum(member(o, 'name'), 'action.command.name', COMMAND_NAMES);
  const own: Record<CommandName, readonly string[]> = {
    'sl651.intensive-reporting': ['addReportMinutes', 'timedReportHours'],
    'line-monitor.sampling-period': ['sampleMinutes', 'heartbeatMinutes'],
  };
  for (const k of Object.values(own).flat()) {
    if (member(o, k) !== undefined && !own[name].includes(k))
      fail(`action.command.${k}`, `is not a parameter of ${name}`);
  }
  const add = member(o, 'addReportMinutes'),
    timed = member(o, 'timedReportHours'),
    fPort = member(o, 'fPort');
  const sample = member(o, 'sampleMinutes'),
    heartbeat = member(o, 'heartbeatMinutes');
  const confirmed = member(o, 'confirmed'),
    priority = member(o, 'priority');
  return {
    name,
    ...(add === undefined ? {} : { addReportMinutes: readInteger(add, 'action.command.addReportMinutes', 1, 59) }),
    ...(timed === undefined ? {} : { timedReportHours: readInteger(timed, 'action.command.timedReportHours', 1, 24) }),
    ...(sample === undefined ? {} : { sampleMinutes: readInteger(sample, 'action.command.sampleMinutes', 1, 1440) }),
    ...(heartbeat === undefined
      ? {}
      : { heartbeatMinutes: readInteger(heartbeat, 'action.command.heartbeatMinutes', 1, 255) }),
    fPort: fPort === undefined ? 2 : readInteger(fPort, 'action.command.fPort', 1, 223),
    confirmed: confirmed === undefined ? true : readBoolean(confirmed, 'action.command.confirmed'),
    priority:
      priority === undefined
        ? 'normal'
        : readEnum(priority, 'action.command.priority', ['normal', 'emergency'] as const),
  };
}
