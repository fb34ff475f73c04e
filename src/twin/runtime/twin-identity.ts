import { createHmac } from 'node:crypto';
import type { SessionKeys } from '../../frame/index.js';

/**
 * Identifiers and secrets of a scenario's terminals and stations, derived from the scenario seed
 * and a secret (HMAC-SHA256), so that a restart on the same data finds the same DevEUIs, session
 * keys and station tokens without the core ever returning a key or a token.
 */
export class TwinIdentity {
  private readonly keyCache = new Map<number, SessionKeys>();

  constructor(
    private readonly secret: Uint8Array,
    private readonly seed: number,
  ) {}

  private mac(label: string): Buffer {
    return createHmac('sha256', this.secret).update(`${this.seed}:${label}`).digest();
  }

  devEui(terminal: number): string {
    return `f7${(this.seed & 0xffff).toString(16).padStart(4, '0')}${terminal.toString(16).padStart(10, '0')}`;
  }

  /**
   * Unique per terminal of a scenario (LoRaWAN allows shared DevAddrs; unique ones keep the registry lookup to one
   * candidate).
   */
  devAddr(terminal: number): string {
    return (0x27000000 + terminal).toString(16).padStart(8, '0');
  }

  keys(terminal: number): SessionKeys {
    let k = this.keyCache.get(terminal);
    if (!k) {
      const e = this.devEui(terminal);
      k = {
        suite: 'aes128',
        nwkSKey: this.mac(`nwk:${e}`).subarray(0, 16),
        appSKey: this.mac(`app:${e}`).subarray(0, 16),
      };
      this.keyCache.set(terminal, k);
    }
    return k;
  }

  /** A terrestrial gateway's EUI (16 hex digits), stable for the scenario and the secret. */
  gatewayEui(gatewayId: string): string {
    return this.mac(`gateway:${gatewayId}`).subarray(0, 8).toString('hex');
  }

  stationToken(stationId: string): string {
    return `gst_${this.mac(`station:${stationId}`).subarray(0, 24).toString('base64url')}`;
  }
}
