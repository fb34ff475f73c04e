import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rx1Window, rx2Window } from '../../src/frame/regional/receive-windows.js';

/** Values from LoRaWAN Regional Parameters RP002-1.0.3, §2.6 (CN470-510) and §2.4 (EU863-870). */
describe('Class A receive windows', () => {
  it('puts CN470 RX1 on downlink channel (uplink channel mod 48), 500.3 MHz + 0.2 MHz per channel, one second after the uplink', () => {
    expect(rx1Window('CN470', 470.3, 'SF12BW125')).toEqual({
      frequencyMHz: 500.3,
      dataRate: 'SF12BW125',
      delayUs: 1_000_000,
    });
    expect(rx1Window('CN470', 470.7, 'SF10BW125')).toEqual({
      frequencyMHz: 500.7,
      dataRate: 'SF10BW125',
      delayUs: 1_000_000,
    });
    expect(rx1Window('CN470', 479.7, 'SF7BW125')?.frequencyMHz).toBe(509.7); // uplink channel 47, the last downlink channel
    expect(rx1Window('CN470', 479.9, 'SF7BW125')?.frequencyMHz).toBe(500.3); // uplink channel 48 wraps to downlink channel 0
  });

  it('wraps uplink channels 48–95 onto downlink channels 0–47', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 95 }), (ch) => {
        const up = Math.round((470.3 + 0.2 * ch) * 10) / 10;
        expect(rx1Window('CN470', up, 'SF9BW125')!.frequencyMHz).toBeCloseTo(500.3 + 0.2 * (ch % 48), 6);
      }),
    );
  });

  it('has no CN470 RX1 for a frequency that is not an uplink channel', () => {
    expect(rx1Window('CN470', 470.4, 'SF12BW125')).toBeUndefined();
    expect(rx1Window('CN470', 489.5, 'SF12BW125')).toBeUndefined();
    expect(rx1Window('CN470', 505.3, 'SF12BW125')).toBeUndefined();
  });

  it('answers EU868 RX1 on the uplink frequency and data rate', () => {
    expect(rx1Window('EU868', 868.1, 'SF9BW125')).toEqual({
      frequencyMHz: 868.1,
      dataRate: 'SF9BW125',
      delayUs: 1_000_000,
    });
  });

  it("puts RX2 on the region's fixed channel at DR0, two seconds after the uplink", () => {
    expect(rx2Window('CN470')).toEqual({ frequencyMHz: 505.3, dataRate: 'SF12BW125', delayUs: 2_000_000 });
    expect(rx2Window('EU868')).toEqual({ frequencyMHz: 869.525, dataRate: 'SF12BW125', delayUs: 2_000_000 });
  });
});
