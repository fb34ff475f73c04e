import { describe, expect, it } from 'vitest';
import { checkedAnomalyPolicy } from '../../src/cli/audit-setup.js';
import { DEFAULT_ANOMALY_POLICY } from '../../src/supervision/anomaly-policy.js';
import { errorOf } from '../support/error-of.js';

describe('anomaly policy overrides (SATIOT_ANOMALY_POLICY)', () => {
  it("merges a kind's settings over the defaults, the rest unchanged", () => {
    const p = checkedAnomalyPolicy({
      'mic-failures': { response: 'suspend', threshold: 10 },
      'impossible-movement': { maxSpeedKmh: { vessel: 60 } },
      cooldownMs: 0,
    });
    expect(p['mic-failures']).toEqual({
      response: 'suspend',
      threshold: 10,
      windowMs: DEFAULT_ANOMALY_POLICY['mic-failures'].windowMs,
    });
    expect(p['impossible-movement'].maxSpeedKmh).toEqual({
      ...DEFAULT_ANOMALY_POLICY['impossible-movement'].maxSpeedKmh,
      vessel: 60,
    });
    expect(p.replay).toEqual(DEFAULT_ANOMALY_POLICY.replay);
    expect(p.cooldownMs).toBe(0);
  });

  it('refuses unknown kinds and fields, bad responses and negative numbers', () => {
    for (const bad of [
      [],
      { replays: {} },
      { replay: { respond: 'alert' } },
      { replay: { response: 'ban' } },
      { replay: { threshold: -1 } },
      { 'rate-excess': { factor: 'x' } },
    ]) {
      expect(errorOf(() => checkedAnomalyPolicy(bad))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    // A negative elevation is a setting, not an error.
    expect(
      checkedAnomalyPolicy({ 'station-out-of-contact': { minElevationDeg: -5 } })['station-out-of-contact']
        .minElevationDeg,
    ).toBe(-5);
  });
});
