/**
 * Tests of the DirectIP test peer itself, against bytes written out by hand from the published
 * layout (interop-facts.md, "Iridium SBD DirectIP"), so that the peer can be trusted as a reference.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  degreesToDegMinThousandths,
  moMessageBytes,
  parseMoConfirmationBytes,
  parseMtConfirmationBytes,
  sendMo,
  startMtGateway,
  type MtGateway,
} from './directip-peer.js';

/** Hex (spaces ignored) → bytes. */
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** "300234010753370" in ASCII. */
const IMEI = '300234010753370';
const IMEI_HEX = '33 30 30 32 33 34 30 31 30 37 35 33 33 37 30';

/**
 * The fixed MO example, laid out by hand:
 *   01 0035                 revision 1, overall length 53 = 31 (header IE) + 8 (payload IE) + 14 (location IE)
 *   01 001c                 MO header IE, length 28
 *     01020304              CDR reference
 *     33..30                IMEI "300234010753370"
 *     00                    session status 0 (success)
 *     0102                  MOMSN
 *     0000                  MTMSN
 *     5f5e1000              time of session
 *   02 0005 68656c6c6f      MO payload IE, "hello"
 *   03 000b                 MO location IE, length 11
 *     01                    flags: bit0 west (lon negative), lat north
 *     27 d3ec               lat 39°, 0.9042° × 60 = 54.252′ → 54252 = 0xd3ec thousandths
 *     74 5f7c               lon 116°, 0.4074° × 60 = 24.444′ → 24444 = 0x5f7c thousandths
 *     00000005              CEP radius 5 km
 */
const MO_EXAMPLE_HEX = `
  01 0035
  01 001c 01020304 ${IMEI_HEX} 00 0102 0000 5f5e1000
  02 0005 68656c6c6f
  03 000b 01 27 d3ec 74 5f7c 00000005`;

/** An MO confirmation "received": revision 1, overall length 4, IEI 0x05, length 1, status 1. */
const MO_CONFIRMATION_OK_HEX = '01 0004 05 0001 01';

describe('moMessageBytes', () => {
  it('lays out header, payload and location exactly as the published layout', () => {
    const bytes = moMessageBytes({
      cdr: 0x01020304,
      imei: IMEI,
      momsn: 0x0102,
      mtmsn: 0,
      sessionTimeS: 0x5f5e1000,
      payload: Buffer.from('hello', 'ascii'),
      location: { lat: 39.9042, lon: -116.4074, cepKm: 5 },
    });
    expect(bytes.toString('hex')).toBe(hex(MO_EXAMPLE_HEX).toString('hex'));
  });

  it('lays out a header-only message with a session status, and south / east locations', () => {
    // Header only: overall length 31 = 0x1f; session status 13 (RF link loss) = 0x0d.
    const headerOnly = moMessageBytes({
      cdr: 0xffffffff,
      imei: IMEI,
      sessionStatus: 13,
      momsn: 0xfffe,
      mtmsn: 7,
      sessionTimeS: 1,
    });
    expect(headerOnly.toString('hex')).toBe(
      hex(`01 001f 01 001c ffffffff ${IMEI_HEX} 0d fffe 0007 00000001`).toString('hex'),
    );

    // Sydney, lat -33.8688 lon 151.2093: flags 0x02 (south, east);
    // lat 33° = 0x21, 0.8688 × 60 = 52.128′ → 52128 = 0xcba0; lon 151° = 0x97, 0.2093 × 60 = 12.558′ → 12558 = 0x310e;
    // CEP 2000 km = 0x000007d0. Overall length 31 + 14 = 45 = 0x2d.
    const south = moMessageBytes({
      cdr: 0,
      imei: IMEI,
      momsn: 0,
      sessionTimeS: 0,
      location: { lat: -33.8688, lon: 151.2093, cepKm: 2000 },
    });
    expect(south.toString('hex')).toBe(
      hex(`01 002d 01 001c 00000000 ${IMEI_HEX} 00 0000 0000 00000000 03 000b 02 21 cba0 97 310e 000007d0`).toString(
        'hex',
      ),
    );
  });

  it('carries thousandths of a minute that round up to 60,000 into the degrees', () => {
    expect(degreesToDegMinThousandths(10.9999999)).toEqual({ deg: 11, thousandths: 0 });
    expect(degreesToDegMinThousandths(0.5)).toEqual({ deg: 0, thousandths: 30_000 });
    // Both signs negative: flags 0x03; 10.9999999 → 11° 0.
    const b = moMessageBytes({
      cdr: 0,
      imei: IMEI,
      momsn: 0,
      sessionTimeS: 0,
      location: { lat: -10.9999999, lon: -0.5, cepKm: 0 },
    });
    expect(b.subarray(-14).toString('hex')).toBe(hex('03 000b 03 0b 0000 00 7530 00000000').toString('hex'));
  });

  it('refuses an IMEI that is not 15 characters', () => {
    expect(() => moMessageBytes({ cdr: 0, imei: '1234', momsn: 0, sessionTimeS: 0 })).toThrow(/IMEI/);
  });
});

describe('parseMoConfirmationBytes', () => {
  it('reads the status of a well-formed confirmation only', () => {
    expect(parseMoConfirmationBytes(hex(MO_CONFIRMATION_OK_HEX))).toBe(1);
    expect(parseMoConfirmationBytes(hex('01 0004 05 0001 00'))).toBe(0);
    expect(parseMoConfirmationBytes(hex('02 0004 05 0001 01'))).toBeUndefined(); // revision
    expect(parseMoConfirmationBytes(hex('01 0004 06 0001 01'))).toBeUndefined(); // IEI
    expect(parseMoConfirmationBytes(hex('01 0005 05 0002 0101'))).toBeUndefined(); // length
    expect(parseMoConfirmationBytes(hex('01 0004 05 0001'))).toBeUndefined(); // truncated
  });
});

/** A plain TCP server for sendMo to talk to; `onMessage` sees each connection's bytes once 3 + length have arrived. */
async function rawServer(
  onMessage: (bytes: Buffer, socket: net.Socket) => void,
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buf = Buffer.alloc(0);
    let seen = false;
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!seen && buf.length >= 3 && buf.length >= 3 + buf.readUInt16BE(1)) {
        seen = true;
        onMessage(buf, socket);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address() as net.AddressInfo;
  return {
    port: addr.port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('sendMo', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('writes the message (split across writes) and reads a confirmation, then sees the close', async () => {
    const got: Buffer[] = [];
    const srv = await rawServer((bytes, socket) => {
      got.push(bytes);
      socket.end(hex(MO_CONFIRMATION_OK_HEX));
    });
    cleanups.push(srv.close);
    const msg = hex(MO_EXAMPLE_HEX);
    const r = await sendMo(srv.port, msg, { split: [1, 3, 10, 40] });
    expect(got[0]?.toString('hex')).toBe(msg.toString('hex'));
    expect(r).toEqual({ confirmation: 1, closed: true, raw: hex(MO_CONFIRMATION_OK_HEX) });
  });

  it('reports no confirmation when the server closes without answering or answers malformed', async () => {
    const silent = await rawServer((_b, socket) => socket.end());
    cleanups.push(silent.close);
    expect(await sendMo(silent.port, hex(MO_EXAMPLE_HEX))).toEqual({
      confirmation: undefined,
      closed: true,
      raw: Buffer.alloc(0),
    });

    const wrong = await rawServer((_b, socket) => socket.end(hex('02 0004 05 0001 01')));
    cleanups.push(wrong.close);
    const r = await sendMo(wrong.port, hex(MO_EXAMPLE_HEX));
    expect(r.confirmation).toBeUndefined();
    expect(r.closed).toBe(true);
    expect(r.raw.toString('hex')).toBe('02000405000101');
  });

  it('gives up after timeoutMs when the server never answers', async () => {
    const mute = await rawServer(() => undefined);
    cleanups.push(mute.close);
    const t0 = Date.now();
    const r = await sendMo(mute.port, hex(MO_EXAMPLE_HEX), { timeoutMs: 200 });
    expect(r).toEqual({ confirmation: undefined, closed: false, raw: Buffer.alloc(0) });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
  });

  it('rejects when nothing listens', async () => {
    const srv = await rawServer(() => undefined);
    await srv.close(); // the port is now (very likely) free
    await expect(sendMo(srv.port, hex(MO_EXAMPLE_HEX))).rejects.toThrow();
  });
});

/**
 * An MT message laid out by hand:
 *   01 0023                 revision 1, overall length 35 = 24 (header IE) + 6 (payload IE) + 5 (priority IE)
 *   41 0015                 MT header IE, length 21
 *     41424344              client message id "ABCD"
 *     33..30                IMEI
 *     0001                  disposition flags: flush MT queue
 *   42 0003 616263          MT payload IE, "abc"
 *   46 0002 0003            MT priority IE, level 3
 */
const MT_EXAMPLE_HEX = `
  01 0023
  41 0015 41424344 ${IMEI_HEX} 0001
  42 0003 616263
  46 0002 0003`;

/** Writes `chunks` to the gateway over a raw socket (5 ms apart) and collects everything until the gateway closes. */
function rawMt(port: number, chunks: Buffer[]): Promise<{ data: Buffer; error: boolean }> {
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    let error = false;
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      void (async () => {
        for (const [i, c] of chunks.entries()) {
          if (i > 0) await new Promise((r) => setTimeout(r, 5));
          if (!socket.destroyed) socket.write(c);
        }
      })();
    });
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', () => {
      error = true;
    });
    socket.on('close', () => resolve({ data: Buffer.concat(received), error }));
  });
}

describe('startMtGateway', () => {
  let gw: MtGateway | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  it('parses hand-laid MT bytes and answers with a hand-checkable confirmation', async () => {
    gw = await startMtGateway(() => 1);
    const msg = hex(MT_EXAMPLE_HEX);
    // Split inside the message header, an IE header and the payload, to exercise reassembly.
    const { data } = await rawMt(gw.port, [
      msg.subarray(0, 2),
      msg.subarray(2, 5),
      msg.subarray(5, 30),
      msg.subarray(30),
    ]);

    expect(gw.received).toHaveLength(1);
    const req = gw.received[0];
    expect(req?.clientMessageId.toString('hex')).toBe('41424344');
    expect(req?.imei).toBe(IMEI);
    expect(req?.flags).toBe(1);
    expect(req?.payload?.toString('ascii')).toBe('abc');
    expect(req?.priority).toBe(3);
    expect(req?.raw.toString('hex')).toBe(msg.toString('hex'));

    // 01 001c · 44 0019 · "ABCD" · IMEI · auto-id 1000 = 0x000003e8 · status 1 = 0x0001.
    expect(data.toString('hex')).toBe(hex(`01 001c 44 0019 41424344 ${IMEI_HEX} 000003e8 0001`).toString('hex'));
    expect(parseMtConfirmationBytes(data)).toEqual({
      clientMessageId: hex('41424344'),
      imei: IMEI,
      autoId: 1000,
      status: 1,
    });
  });

  it('counts auto-ids from 1000 for accepted messages, 0 for errors, and honours an explicit one', async () => {
    const answers = [2, -2, 0, { status: 5, autoId: 0xdeadbeef }];
    gw = await startMtGateway(() => answers.shift() ?? 0);
    // A mailbox check without payload or priority: overall length 24 = 0x18.
    const check = hex(`01 0018 41 0015 00000001 ${IMEI_HEX} 0000`);
    const got = [];
    for (let i = 0; i < 4; i++) got.push(parseMtConfirmationBytes((await rawMt(gw.port, [check])).data));
    expect(got.map((c) => [c?.autoId, c?.status])).toEqual([
      [1000, 2],
      [0, -2],
      [1001, 0],
      [0xdeadbeef, 5],
    ]);
    expect(gw.received[0]?.payload).toBeUndefined();
    expect(gw.received[0]?.priority).toBeUndefined();
    // Status -2 goes out as i16 0xfffe.
    const neg = hex(`01 001c 44 0019 00000001 ${IMEI_HEX} 00000000 fffe`);
    expect(parseMtConfirmationBytes(neg)?.status).toBe(-2);
  });

  it("drops the connection unanswered on 'close' and on malformed messages", async () => {
    gw = await startMtGateway(() => 'close');
    expect((await rawMt(gw.port, [hex(MT_EXAMPLE_HEX)])).data.length).toBe(0);
    expect(gw.received).toHaveLength(1);

    // Wrong revision, a header of the wrong length, and an unknown IE: none is recorded or answered.
    const bad = [
      hex(`02 0018 41 0015 00000001 ${IMEI_HEX} 0000`),
      hex(`01 0017 41 0014 00000001 ${IMEI_HEX} 00`),
      hex(`01 001c 41 0015 00000001 ${IMEI_HEX} 0000 47 0001 00`),
    ];
    for (const b of bad) expect((await rawMt(gw.port, [b])).data.length).toBe(0);
    expect(gw.received).toHaveLength(1);
  });

  it("keeps a 'hang' connection open until close()", async () => {
    gw = await startMtGateway(() => 'hang');
    let closed = false;
    const pending = rawMt(gw.port, [hex(MT_EXAMPLE_HEX)]).then((r) => {
      closed = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 150));
    expect(gw.received).toHaveLength(1);
    expect(closed).toBe(false);
    await gw.close();
    gw = undefined;
    expect((await pending).data.length).toBe(0);
  });
});
