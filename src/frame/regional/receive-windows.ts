/**
 * Where and how a Class A terminal listens after an uplink (LoRaWAN Regional Parameters RP002-1.0.x):
 * RX1 opens RECEIVE_DELAY1 = 1 s after the uplink ends, on a frequency and data rate derived from the
 * uplink's; RX2 one second later on the region's fixed channel. RX1DROffset is the default 0 (satiot
 * terminals are ABP without MAC commands changing it), so RX1 uses the uplink's data rate.
 */
export type LoRaRegion = 'CN470' | 'EU868';
export const LORA_REGIONS: readonly LoRaRegion[] = ['CN470', 'EU868'];

/** One receive window: the carrier (MHz, to 0.1 kHz) and the data rate as gateways write it ("SF12BW125"). */
export interface ReceiveWindow {
  readonly frequencyMHz: number;
  readonly dataRate: string;
  /** Microseconds after the uplink's end-of-reception timestamp (the gateway's `tmst`). */
  readonly delayUs: number;
}

/** RECEIVE_DELAY1 and RECEIVE_DELAY2, µs. */
export const RX1_DELAY_US = 1_000_000;
export const RX2_DELAY_US = 2_000_000;

/** CN470-510: 96 uplink channels from 470.3 MHz and 48 downlink channels from 500.3 MHz, 200 kHz apart. */
const CN470 = { upFirst: 470.3, downFirst: 500.3, step: 0.2, upChannels: 96, downChannels: 48, rx2: 505.3 };
const EU868_RX2 = 869.525;
const RX2_DATA_RATE = 'SF12BW125'; // DR0 in both regions

/** Rounds to 100 Hz: 470.3 + 0.2 × n in binary floating point is never exact. */
const mhz = (f: number): number => Math.round(f * 10_000) / 10_000;

/**
 * RX1 for an uplink heard on `uplinkMHz` at `dataRate`; undefined when the frequency is not one of
 * the region's uplink channels (no RX1 can be derived: use RX2).
 */
export function rx1Window(region: LoRaRegion, uplinkMHz: number, dataRate: string): ReceiveWindow | undefined {
  if (region === 'EU868') return { frequencyMHz: mhz(uplinkMHz), dataRate, delayUs: RX1_DELAY_US };
  const n = (uplinkMHz - CN470.upFirst) / CN470.step;
  const channel = Math.round(n);
  if (Math.abs(n - channel) > 1e-6 || channel < 0 || channel >= CN470.upChannels) return undefined;
  return {
    frequencyMHz: mhz(CN470.downFirst + CN470.step * (channel % CN470.downChannels)),
    dataRate,
    delayUs: RX1_DELAY_US,
  };
}

/** The region's default RX2: its fixed frequency at DR0. */
export function rx2Window(region: LoRaRegion): ReceiveWindow {
  return { frequencyMHz: region === 'CN470' ? CN470.rx2 : EU868_RX2, dataRate: RX2_DATA_RATE, delayUs: RX2_DELAY_US };
}
