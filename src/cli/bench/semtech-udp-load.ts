import { createSocket, type Socket } from 'node:dgram';
import type { Core } from '../../core/core.js';
import type { UplinkFrameInput } from '../../core/ingest-pipeline.js';
import { SemtechUdpServer } from '../../api/semtech-udp/semtech-udp-server.js';
import { encodeSemtechPacket, type RxpkResult } from '../../frame/semtech-udp/index.js';

/** Radio packets per PUSH_DATA: what a busy SX1302 gateway forwards per fetch (its HAL reads up to 16 at once). */
const RXPK_PER_DATAGRAM = 16;
/** PUSH_DATA a gateway has in flight before it waits for an acknowledgement (a real forwarder does not wait at all). */
const WINDOW = 8;
/** A PUSH_DATA not acknowledged within this is counted lost and the gateway moves on (UDP may drop). */
const ACK_TIMEOUT_MS = 5_000;

export interface SemtechUdpLoadResult {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  /** Radio packets in PUSH_DATA that were never acknowledged. */
  readonly lost: number;
}

/**
 * `satiot bench ingest --via semtech-udp`: the frames as `clients` terrestrial gateways send them —
 * each a socket of its own with a registered EUI, PUSH_DATA of 16 rxpk each, up to 8 in flight
 * (each acknowledged once its frames are durable) — to a Semtech UDP server on the core. The
 * outcomes are the server's own counts (`satiot_semtech_udp_rxpk_total`): UDP answers carry none.
 */
export async function pushOverSemtechUdp(
  core: Core,
  frames: readonly UplinkFrameInput[],
  clients: number,
  onProgress?: (done: number) => void,
): Promise<SemtechUdpLoadResult> {
  const server = await SemtechUdpServer.start(core, {
    port: 0,
    host: '127.0.0.1',
    packetsPerSecond: 1e9,
    gatherMs: 50,
  });
  const sockets: Socket[] = [];
  try {
    const euis = Array.from({ length: clients }, (_, i) =>
      (0xb0000000_00000000n + BigInt(i)).toString(16).padStart(16, '0'),
    );
    for (const eui of euis)
      await core.gateways.create({ gatewayEui: eui, name: `bench gateway ${eui}`, lat: 30, lon: 114 });
    const port = server.address().port;
    const datagrams: Array<{ rxpk: RxpkResult[]; n: number }> = [];
    for (let i = 0; i < frames.length; i += RXPK_PER_DATAGRAM) {
      const chunk = frames.slice(i, i + RXPK_PER_DATAGRAM);
      datagrams.push({
        n: chunk.length,
        rxpk: chunk.map((f, k) => {
          const data = Buffer.from(f.phyPayload, 'base64');
          return {
            ok: true,
            rxpk: {
              time: Date.parse(f.capturedAt),
              tmst: ((i + k) * 1000) % 2 ** 32,
              chan: 0,
              rfch: 0,
              freq: 470.3,
              stat: 1,
              modu: 'LORA',
              datr: 'SF10BW125',
              codr: '4/5',
              rssi: -90,
              lsnr: 6.5,
              size: data.length,
              data,
            },
          };
        }),
      });
    }
    let next = 0,
      done = 0,
      lost = 0;
    await Promise.all(
      euis.map(async (eui, g) => {
        const socket = createSocket('udp4');
        sockets.push(socket);
        await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
        const waiting = new Map<number, () => void>();
        socket.on('message', (m) => {
          if (m.length >= 4 && m[3] === 0x01) waiting.get(m.readUInt16BE(1))?.();
        });
        let token = g * 4096;
        const sendOne = async (d: { rxpk: RxpkResult[]; n: number }): Promise<void> => {
          const t = token++ & 0xffff;
          const bytes = encodeSemtechPacket({ type: 'PUSH_DATA', version: 2, token: t, gatewayEui: eui, rxpk: d.rxpk });
          const acked = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => {
              waiting.delete(t);
              resolve(false);
            }, ACK_TIMEOUT_MS);
            waiting.set(t, () => {
              clearTimeout(timer);
              waiting.delete(t);
              resolve(true);
            });
            socket.send(bytes, port, '127.0.0.1');
          });
          if (!acked) lost += d.n;
          done += d.n;
          onProgress?.(done);
        };
        await Promise.all(
          Array.from({ length: WINDOW }, async () => {
            while (next < datagrams.length) await sendOne(datagrams[next++]!);
          }),
        );
      }),
    );
    const counts = await core.metrics.getSingleMetric('satiot_semtech_udp_rxpk_total')!.get();
    let accepted = 0,
      duplicates = 0,
      rejected = 0;
    for (const v of counts.values) {
      const outcome = String(v.labels['outcome']);
      if (outcome === 'accepted') accepted += v.value;
      else if (outcome === 'duplicate') duplicates += v.value;
      else rejected += v.value;
    }
    return { accepted, duplicates, rejected, lost };
  } finally {
    for (const s of sockets) s.close();
    await server.close();
  }
}
