import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseRule } from '../../src/rules/rule.js';
import { RuleError } from '../../src/rules/rule-error.js';
import { ruleErrorOf } from './helpers.js';

const SQUARE = {
  type: 'Polygon',
  coordinates: [
    [
      [116, 39],
      [117, 39],
      [117, 40],
      [116, 40],
      [116, 39],
    ],
  ],
};

const VALID = {
  id: 'flood-1',
  tenantId: 'water-bureau',
  name: 'Water level above warning line',
  severity: 'critical',
  enabled: true,
  scope: { devEuis: ['00AABBCCDDEEFF01'], profiles: ['fixed-collector'], codecs: ['sl651'] },
  condition: {
    kind: 'all',
    conditions: [
      { kind: 'threshold', field: 'values.waterLevelM', op: '>', value: 12.5 },
      { kind: 'rate', field: 'values.waterLevelM', windowMinutes: 60, rise: 0.5 },
      { kind: 'not', condition: { kind: 'threshold', field: 'meta.rssi', op: '<', value: -130 } },
      { kind: 'geofence', area: SQUARE, trigger: 'inside' },
    ],
  },
  clearAfterMinutes: 30,
  action: { downlink: { fPort: 10, payloadHex: '01FF', confirmed: true, priority: 'emergency' } },
};

const REMOVE = Symbol('remove');

/** The valid rule with the value at a dotted path (`condition.conditions.1.value`) replaced or removed. */
function withChange(path: string, value: unknown): unknown {
  const r = structuredClone(VALID) as Record<string, unknown>;
  const keys = path.split('.');
  let node = r;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === REMOVE) delete node[last];
  else node[last] = value;
  return r;
}

/** The message of the RuleError that parsing the valid rule with one change throws. */
function problem(path: string, value: unknown): string {
  return ruleErrorOf(() => parseRule(withChange(path, value))).message;
}

describe('parseRule', () => {
  it('reads a complete rule, normalising DevEUIs and payload hex to lowercase', () => {
    const r = parseRule(VALID);
    expect(r.scope.devEuis).toEqual(['00aabbccddeeff01']);
    expect(r.action?.downlink).toEqual({ fPort: 10, payloadHex: '01ff', confirmed: true, priority: 'emergency' });
    expect(r.condition).toEqual(VALID.condition);
    expect(r.clearAfterMinutes).toBe(30);
  });

  it('fills the defaults: enabled, empty scope, no hysteresis, unconfirmed normal-priority downlink', () => {
    const r = parseRule({
      id: 'a',
      tenantId: 't',
      name: 'n',
      severity: 'info',
      condition: { kind: 'threshold', field: 'speedKmh', op: '>', value: 120 },
      action: { downlink: { fPort: 1, payloadHex: '' } },
    });
    expect(r.enabled).toBe(true);
    expect(r.scope).toEqual({});
    expect(r.clearAfterMinutes).toBe(0);
    expect(r.action?.downlink).toEqual({ fPort: 1, payloadHex: '', confirmed: false, priority: 'normal' });
  });

  it('reads a string as JSON text', () => {
    expect(parseRule(JSON.stringify(VALID)).id).toBe('flood-1');
  });

  it('refuses text that is not JSON, naming the rule', () => {
    const e = ruleErrorOf(() => parseRule('{"id": '));
    expect(e.code).toBe('RULE_INVALID');
    expect(e.path).toBe('rule');
    expect(e.message).toMatch(/^rule is not valid JSON/);
  });

  it.each<[string, string, unknown, string]>([
    [
      'a non-number threshold value',
      'condition.conditions.1',
      { kind: 'threshold', field: 'x', op: '>', value: '3' },
      'condition.all[1].value must be a number',
    ],
    [
      'an unknown operator',
      'condition.conditions.0.op',
      '=>',
      'condition.all[0].op must be one of >, >=, <, <=, ==, !=',
    ],
    ['an unknown condition kind', 'condition.conditions.0.kind', 'between', 'condition.all[0].kind must be one of'],
    ['a misspelt field', 'condition.conditions.0.vlaue', 3, 'condition.all[0].vlaue is not a known field'],
    [
      'a bad operand of not',
      'condition.conditions.2.condition.field',
      '',
      'condition.all[2].not.field must not be empty',
    ],
    ['an empty all', 'condition.conditions', [], 'condition.conditions must have at least 1 item'],
    [
      'a field path with an empty segment',
      'condition.conditions.0.field',
      'values..level',
      'condition.all[0].field must be a dotted path',
    ],
    ['a bare meta path', 'condition.conditions.0.field', 'meta', 'condition.all[0].field must name a metadata field'],
    [
      'a rate with neither rise nor fall',
      'condition.conditions.1.rise',
      REMOVE,
      'condition.all[1] needs rise, fall or both',
    ],
    [
      'a rate with a zero window',
      'condition.conditions.1.windowMinutes',
      0,
      'condition.all[1].windowMinutes must be greater than 0',
    ],
    [
      'a rate window given as text',
      'condition.conditions.1.windowMinutes',
      'an hour',
      'condition.all[1].windowMinutes must be a number',
    ],
    ['a negative rise', 'condition.conditions.1.rise', -1, 'condition.all[1].rise must be at least 0'],
    [
      'a geofence of the wrong geometry type',
      'condition.conditions.3.area',
      { type: 'Point', coordinates: [1, 2] },
      'condition.all[3].area.type must be one of Polygon, MultiPolygon',
    ],
    [
      'an open ring',
      'condition.conditions.3.area.coordinates.0',
      [
        [116, 39],
        [117, 39],
        [117, 40],
        [116, 40],
        [116, 39.5],
      ],
      'condition.all[3].area.coordinates[0] must be closed',
    ],
    [
      'a ring of three positions',
      'condition.conditions.3.area.coordinates.0',
      [
        [0, 0],
        [1, 0],
        [0, 0],
      ],
      'condition.all[3].area.coordinates[0] must have at least 4 items',
    ],
    [
      'a latitude out of range',
      'condition.conditions.3.area.coordinates.0.1',
      [117, 91],
      'condition.all[3].area.coordinates[0][1][1] must be a latitude',
    ],
    [
      'an unknown trigger',
      'condition.conditions.3.trigger',
      'near',
      'condition.all[3].trigger must be one of enter, leave, inside, outside',
    ],
    [
      'a silence inside a combination',
      'condition.conditions.0',
      { kind: 'silence', hours: 6, missedContacts: 2 },
      "condition.all[0] a silence condition must be the rule's whole condition",
    ],
    [
      'a fractional missedContacts',
      'condition',
      { kind: 'silence', hours: 6, missedContacts: 1.5 },
      'condition.missedContacts must be an integer',
    ],
    [
      'a learned silence given as text',
      'condition',
      { kind: 'silence', hours: 6, missedContacts: 0, learned: 'yes' },
      'condition.learned must be true or false',
    ],
    ['a missing id', 'id', REMOVE, 'id must be a string'],
    ['an unknown severity', 'severity', 'major', 'severity must be one of info, warning, critical, emergency'],
    ['a non-boolean enabled', 'enabled', 'yes', 'enabled must be true or false'],
    ['an unknown top-level field', 'createdAt', 1, 'rule.createdAt is not a known field'],
    ['a short DevEUI', 'scope.devEuis', ['0011'], 'scope.devEuis[0] must be a DevEUI of 16 hex digits'],
    ['an empty scope list', 'scope.profiles', [], 'scope.profiles must have at least 1 item'],
    ['a negative hysteresis', 'clearAfterMinutes', -5, 'clearAfterMinutes must be between 0 and 10080'],
    ['a downlink port out of range', 'action.downlink.fPort', 224, 'action.downlink.fPort must be between 1 and 223'],
    [
      'an odd-length payload',
      'action.downlink.payloadHex',
      'abc',
      'action.downlink.payloadHex must be hex digits, two per byte',
    ],
    [
      'an unknown priority',
      'action.downlink.priority',
      'high',
      'action.downlink.priority must be one of normal, emergency',
    ],
  ])('refuses %s, naming the path', (_what, path, value, expected) => {
    expect(problem(path, value)).toContain(expected);
  });

  it('reads a command action with its defaults, and refuses one on a silence rule, an unknown command, or a command beside a downlink', () => {
    const base = {
      id: 'c',
      tenantId: 't',
      name: 'crest',
      severity: 'warning',
      condition: { kind: 'forecast', field: 'values.waterLevelM', op: '>=', value: 7, horizonMinutes: 60 },
    };
    expect(parseRule({ ...base, action: { command: { name: 'sl651.intensive-reporting' } } }).action).toEqual({
      command: { name: 'sl651.intensive-reporting', fPort: 2, confirmed: true, priority: 'normal' },
    });
    const refused = (rule: object) => {
      try {
        parseRule(rule);
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(
      refused({
        ...base,
        condition: { kind: 'silence', hours: 6, missedContacts: 0 },
        action: { command: { name: 'sl651.intensive-reporting' } },
      }),
    ).toMatch(/action.command is built from the report that raised the alarm/);
    expect(refused({ ...base, action: { command: { name: 'sl651.reboot' } } })).toMatch(
      /action.command.name must be one of sl651.intensive-reporting/,
    );
    expect(
      refused({ ...base, action: { command: { name: 'sl651.intensive-reporting', addReportMinutes: 90 } } }),
    ).toMatch(/addReportMinutes must be between 1 and 59/);
    expect(
      refused({
        ...base,
        action: { command: { name: 'sl651.intensive-reporting' }, downlink: { fPort: 1, payloadHex: '' } },
      }),
    ).toMatch(/a downlink or a command, not both/);
    expect(
      parseRule({ ...base, action: { command: { name: 'line-monitor.sampling-period', sampleMinutes: 5 } } }).action
        ?.command,
    ).toMatchObject({ name: 'line-monitor.sampling-period', sampleMinutes: 5 });
    expect(
      refused({ ...base, action: { command: { name: 'line-monitor.sampling-period', addReportMinutes: 5 } } }),
    ).toMatch(/action.command.addReportMinutes is not a parameter of line-monitor.sampling-period/);
    expect(
      refused({ ...base, action: { command: { name: 'line-monitor.sampling-period', sampleMinutes: 2000 } } }),
    ).toMatch(/sampleMinutes must be between 1 and 1440/);
  });

  it('gives the bad path on the error for machines as well', () => {
    const e = ruleErrorOf(() => parseRule(withChange('condition.conditions.1.windowMinutes', 'an hour')));
    expect(e.path).toBe('condition.all[1].windowMinutes');
  });

  it('refuses conditions nested deeper than eight levels', () => {
    let c: unknown = { kind: 'threshold', field: 'x', op: '>', value: 1 };
    for (let i = 0; i < 8; i++) c = { kind: 'not', condition: c };
    expect(problem('condition', c)).toMatch(/nests deeper than 8 levels/);
  });

  it('refuses more than 64 leaves', () => {
    const leaf = { kind: 'threshold', field: 'x', op: '>', value: 1 };
    const wide = { kind: 'any', conditions: Array.from({ length: 40 }, () => leaf) };
    const e = ruleErrorOf(() => parseRule(withChange('condition', { kind: 'all', conditions: [wide, wide] })));
    expect(e.path).toBe('condition.all[1].any[24]');
  });

  it('does not read inherited properties such as constructor as fields', () => {
    const r = Object.create({ id: 'inherited' });
    expect(ruleErrorOf(() => parseRule(r)).message).toBe('id must be a string');
  });

  it('throws only RuleError on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        try {
          parseRule(v);
        } catch (e) {
          expect(e).toBeInstanceOf(RuleError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('throws only RuleError on near-valid rules with one value replaced by arbitrary JSON', () => {
    // Random JSON rarely reaches the condition parser; mutating a valid rule does.
    const paths = leafPaths(VALID);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 3 }), (path, value) => {
        try {
          parseRule(withChange(path, value));
        } catch (e) {
          expect(e).toBeInstanceOf(RuleError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('throws only RuleError on arbitrary JSON text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          parseRule(text);
        } catch (e) {
          expect(e).toBeInstanceOf(RuleError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

/** The dotted path of every value in a JSON tree (objects and arrays included). */
function leafPaths(v: unknown, prefix = ''): string[] {
  const here = prefix ? [prefix] : [];
  if (typeof v !== 'object' || v === null) return here;
  const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
  return [...here, ...entries.flatMap(([k, x]) => leafPaths(x, prefix ? `${prefix}.${k}` : k))];
}
