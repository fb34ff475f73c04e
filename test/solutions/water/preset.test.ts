import { describe, expect, it } from 'vitest';
import { RuleError, ruleApplies } from '../../../src/rules/index.js';
import { solutionRules } from '../../../src/solutions/index.js';

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

describe('the water preset', () => {
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

  it('refuses a bad level with a RuleError', () => {
    expect(() => solutionRules('water', 't1', { warningLevelM: 'high' as never }, newId)).toThrow(RuleError);
  });
});
