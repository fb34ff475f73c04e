import { describe, expect, it } from 'vitest';
import { solutionRules } from '../../../src/solutions/index.js';

let n = 0;
const newId = () => `r${++n}`;
const A = '00000000000000a1',
  B = '00000000000000b2';

describe('the power preset', () => {
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
});
