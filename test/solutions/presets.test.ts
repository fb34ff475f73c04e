import { describe, expect, it } from 'vitest';
import { RuleError, ruleApplies } from '../../src/rules/index.js';
import { solutionRules } from '../../src/solutions/index.js';

let n = 0;
const newId = () => `r${++n}`;
const A = '00000000000000a1',
  B = '00000000000000b2',
  C = '00000000000000c3';
const station = (devEui: string) => ({
  id: devEui,
  devEui,
  profile: 'fixed-collector',
  codec: 'sl651',
  tenantId: 't1',
});

describe('solution presets', () => {
  it('gives each listed water station its own warning lines and leaves the others to the tenant-wide lines', () => {
    const rules = solutionRules(
      'water',
      't1',
      {
        warningLevelM: 5,
        guaranteedLevelM: 7,
        stations: [{ name: 'Hankou', devEuis: [A], warningLevelM: 27.3, guaranteedLevelM: 29.73 }],
      },
      newId,
    );
    const warning = rules.filter((r) => r.name.endsWith('Water level above the warning line'));
    expect(warning.map((r) => [r.name, (r.condition as { value: number }).value])).toEqual([
      ['Hankou: Water level above the warning line', 27.3],
      ['Water level above the warning line', 5],
    ]);
    const [hankou, others] = warning;
    expect([ruleApplies(hankou!, station(A)), ruleApplies(hankou!, station(B))]).toEqual([true, false]);
    expect([ruleApplies(others!, station(A)), ruleApplies(others!, station(B))]).toEqual([false, true]);
    expect(rules.every((r) => r.tenantId === 't1' && r.enabled)).toBe(true);
  });

  it('makes only the station rules when no tenant-wide line is given, and the rate and rain rules always', () => {
    const names = solutionRules(
      'water',
      't1',
      { stations: [{ name: 'Yichang', devEuis: [C], warningLevelM: 53, guaranteedLevelM: 55 }] },
      newId,
    ).map((r) => r.name);
    expect(names).toEqual([
      'Yichang: Water level above the warning line',
      'Yichang: Crest foreseen above the warning line',
      'Yichang: Water level above the guaranteed level',
      'Water level rising fast',
      'Gauge reading unusual for this station',
      'Heavy rain in the last hour',
      'Rainstorm over 24 hours',
    ]);
  });

  it('foresees a crest above each warning line (a forecast pre-alarm at the upper bound) and sends the crest command through it', () => {
    const rules = solutionRules(
      'water',
      't1',
      { warningLevelM: 5, crestHorizonMinutes: 360, crestDownlink: { fPort: 3, payloadHex: '0a' } },
      newId,
    );
    const crest = rules.find((r) => r.name === 'Crest foreseen above the warning line')!;
    expect(crest.condition).toMatchObject({
      kind: 'forecast',
      field: 'values.waterLevelM',
      op: '>=',
      value: 5,
      horizonMinutes: 360,
      quantile: 'upper',
    });
    expect(crest.action?.downlink).toMatchObject({ fPort: 3, payloadHex: '0a' });
    expect(rules.find((r) => r.name === 'Gauge reading unusual for this station')!.condition).toMatchObject({
      kind: 'anomaly',
      field: 'values.waterLevelM',
    });
  });

  it('sends the flood downlink from the guaranteed-level rule only, as an emergency', () => {
    const rules = solutionRules(
      'water',
      't1',
      { warningLevelM: 5, guaranteedLevelM: 7, floodDownlink: { fPort: 2, payloadHex: '0105' } },
      newId,
    );
    const withAction = rules.filter((r) => r.action?.downlink);
    expect(withAction.map((r) => r.name)).toEqual(['Water level above the guaranteed level']);
    expect(withAction[0]!.action!.downlink).toMatchObject({
      fPort: 2,
      payloadHex: '0105',
      confirmed: true,
      priority: 'emergency',
    });
  });

  it("gives each power line section its sensors and its own limits, falling back to the preset's", () => {
    const rules = solutionRules(
      'power',
      't1',
      {
        iceThicknessMm: 15,
        sections: [
          { name: 'Section 3', devEuis: [A], iceThicknessMm: 20 },
          { name: 'Section 4', devEuis: [B] },
        ],
      },
      newId,
    );
    const icing = rules.filter((r) => r.name.endsWith('Line icing above limit'));
    expect(icing.map((r) => [r.name, (r.condition as { value: number }).value, r.scope.devEuis])).toEqual([
      ['Section 3: Line icing above limit', 20, [A]],
      ['Section 4: Line icing above limit', 15, [B]],
    ]);
  });

  it("foresees icing above each section's limit and, when asked, sends the device the sampling-period command", () => {
    const rules = solutionRules(
      'power',
      't1',
      {
        iceThicknessMm: 15,
        icingCommand: { sampleMinutes: 5 },
        sections: [{ name: 'Section 3', devEuis: [A], iceThicknessMm: 20, icingHorizonMinutes: 120 }],
      },
      newId,
    );
    const pre = rules.filter((r) => r.name.endsWith('Icing foreseen above limit'));
    expect(pre.map((r) => [r.name, r.condition])).toEqual([
      [
        'Section 3: Icing foreseen above limit',
        {
          kind: 'forecast',
          field: 'values.iceThicknessMm',
          op: '>=',
          value: 20,
          horizonMinutes: 120,
          quantile: 'upper',
          history: 96,
        },
      ],
    ]);
    expect(pre[0]!.action?.command).toMatchObject({
      name: 'line-monitor.sampling-period',
      sampleMinutes: 5,
      fPort: 2,
      confirmed: true,
    });
    expect(
      solutionRules('power', 't1', {}, newId).find((r) => r.name === 'Icing foreseen above limit')?.action,
    ).toBeUndefined();
  });

  it('turns logistics areas into geofence rules and refuses a bad area with a RuleError naming it', () => {
    const area = {
      type: 'Polygon',
      coordinates: [
        [
          [114, 30],
          [115, 30],
          [115, 31],
          [114, 31],
          [114, 30],
        ],
      ],
    };
    const rules = solutionRules(
      'logistics',
      't1',
      {
        allowedAreas: [{ name: 'Hubei corridor', area: area as never }],
        sites: [{ name: 'Wuhan depot', area: area as never }],
      },
      newId,
    );
    expect(rules.map((r) => [r.name, r.condition.kind])).toContainEqual(['Left Hubei corridor', 'geofence']);
    expect(rules.map((r) => r.name)).toContain('Arrived at Wuhan depot');
    expect(() =>
      solutionRules(
        'logistics',
        't1',
        { allowedAreas: [{ name: 'x', area: { type: 'Point', coordinates: [1, 2] } as never }] },
        newId,
      ),
    ).toThrow(RuleError);
    expect(() => solutionRules('water', 't1', { warningLevelM: 'high' as never }, newId)).toThrow(RuleError);
  });
});
