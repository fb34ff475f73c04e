import { describe, expect, it } from 'vitest';
import { RuleError } from '../../../src/rules/index.js';
import { solutionRules } from '../../../src/solutions/index.js';

let n = 0;
const newId = () => `r${++n}`;

describe('the logistics preset', () => {
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
  });
});
