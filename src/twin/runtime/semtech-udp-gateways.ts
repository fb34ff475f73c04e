import { createSocket, type Socket } from 'node:dgram';
import { encodeSemtechPacket, type RxpkResult } from '../../frame/semtech-udp/index.js';
import type { TerrestrialCopy, TwinTerrestrial } from './twin-gateway.js';

/** Radio packets per PUSH_DATA (an SX1302 gateway's HAL fetches up to 16 at once). */
const RXPK_PER_DATAGRAM = 16;
/** A PUSH_DATA not acknowledged in this long is sent again (the twin's gateways retry; lora_pkt_fwd does not). */
const ACK_TIMEOUT_MS = 3_000;
const ATTEMPTS = 3;
/** CN470-510 uplink channels: 470.3 MHz + 0.2 MHz × channel (channels 0..95). */
const CN470_FIRST_MHZ = 470.3;
const CN470_STEP_MHZ = 0.2;
const CN470_CHANNELS = 96;

/**
 * The scenario's terrestrial gateways as the core meets real ones: each is a UDP socket of its own
 * with its registered EUI, speaking the Semtech packet-forwarder protocol (v2) to the core's
 * Semtech UDP server — PUSH_DATA with one rxpk per copy heard (GPS time, concentrator counter,
 * CN470 channel, SF10, RSSI and SNR from the link model), answered by PUSH_ACK once the copies
 * are durable.
 */
export class SemtechUdpGateways implements TwinTerrestrial {
  private readonly sockets: Socket[] = [];
  private readonly waiting: Array<Map<number, () => void>> = [];
  private token = 1;

  private constructor(
    private readonly euis: readonly string[],
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** One bound socket per gateway EUI, sending to the server at host:port. */
  static async open(euis: readonly string[], host: string, port: number): Promise<SemtechUdpGateways> {
    const g = new SemtechUdpGateways(euis, host, port);
    for (let i = 0; i < euis.length; i++) {
      const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      const waiting = new Map<number, () => void>();
      // PUSH_ACK: version, token (2 bytes), identifier 0x01.
      socket.on('message', (m) => {
        if (m.length >= 4 && m[3] === 0x01) waiting.get(m.readUInt16BE(1))?.();
      });
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.bind(0, host.includes(':') ? '::1' : '127.0.0.1', () => resolve()));
      g.sockets.push(socket);
      g.waiting.push(waiting);
    }
    return g;
  }

  async push(gateway: number, copies: readonly TerrestrialCopy[]): Promise<boolean[]> {
    const out: boolean[] = [];
    for (let i = 0; i < copies.length; i += RXPK_PER_DATAGRAM) {
      const chunk = copies.slice(i, i + RXPK_PER_DATAGRAM);
      const rxpk: RxpkResult[] = chunk.map((c) => ({
        ok: true,
        rxpk: {
          time: c.at,
          tmst: (c.at * 1000) % 2 ** 32,
          chan: c.channel % 8,
          rfch: 0,
          freq: Math.round((CN470_FIRST_MHZ + CN470_STEP_MHZ * (c.channel % CN470_CHANNELS)) * 10) / 10,
          stat: 1,
          modu: 'LORA',
          datr: 'SF10BW125',
          codr: '4/5',
          rssi: Math.round(c.rssiDbm),
          lsnr: Math.round(c.snrDb * 10) / 10,
          size: c.phyPayload.length,
          data: c.phyPayload,
        },
      }));
      const acked = await this.send(gateway, rxpk);
      for (let k = 0; k < chunk.length; k++) out.push(acked);
    }
    return out;
  }

  private async send(gateway: number, rxpk: RxpkResult[]): Promise<boolean> {
    const socket = this.sockets[gateway]!,
      waiting = this.waiting[gateway]!;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const token = (this.token = (this.token + 1) & 0xffff);
      const bytes = encodeSemtechPacket({
        type: 'PUSH_DATA',
        version: 2,
        token,
        gatewayEui: this.euis[gateway]!,
        rxpk,
      });
      const acked = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(token);
          resolve(false);
        }, ACK_TIMEOUT_MS);
        waiting.set(token, () => {
          clearTimeout(timer);
          waiting.delete(token);
          resolve(true);
        });
        socket.send(bytes, this.port, this.host, (e) => {
          if (e) {
            clearTimeout(timer);
            waiting.delete(token);
            resolve(false);
          }
        });
      });
      if (acked) return true;
    }
    return false;
  }

  async close(): Promise<void> {
    await Promise.all(this.sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
