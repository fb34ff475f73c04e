/**
 * An independent test peer for Iridium SBD DirectIP, laid out by hand from the published field
 * layout (docs/interop.md, "Iridium SBD DirectIP"). It deliberately imports
 * nothing from src/frame/iridium-sbd/: tests use it to check our codec and servers against bytes
 * that were laid out separately.
 *
 * Framing (big-endian, one message per TCP connection): protocol revision u8 (= 1), overall length
 * u16 (bytes after these 3), then information elements: IEI u8, length u16, content.
 */
import net from 'node:net';

/** The protocol revision every DirectIP message starts with. */
const REVISION = 1;

/** Information element identifiers used here. */
const IEI = {
  moHeader: 0x01,
  moPayload: 0x02,
  moLocation: 0x03,
  moConfirmation: 0x05,
  mtHeader: 0x41,
  mtPayload: 0x42,
  mtConfirmation: 0x44,
  mtPriority: 0x46,
} as const;

/** Content lengths of the fixed-size elements. */
const LEN = {
  moHeader: 28,
  moLocation: 11,
  moConfirmation: 1,
  mtHeader: 21,
  mtConfirmation: 25,
  mtPriority: 2,
} as const;

/** An IMEI is 15 ASCII digits. */
const IMEI_LENGTH = 15;

/** Thousandths of a minute in one degree (60 minutes × 1000). */
const THOUSANDTHS_PER_DEGREE = 60_000;

// ---------------------------------------------------------------------------------------------
// Mobile-originated (MO): terminal → gateway → our DirectIP server
// ---------------------------------------------------------------------------------------------

/** What goes into an MO message. */
export interface MoMessage {
  /** CDR reference (u32). */
  cdr: number;
  /** 15 ASCII digits. */
  imei: string;
  /** Session status (u8); 0 = success (the default). */
  sessionStatus?: number;
  /** MO message sequence number (u16). */
  momsn: number;
  /** MT message sequence number (u16); 0 by default. */
  mtmsn?: number;
  /** Time of session, Unix seconds (u32). */
  sessionTimeS: number;
  /** MO payload IE (0x02); left out when undefined. */
  payload?: Uint8Array;
  /** MO location IE (0x03) in decimal degrees and km; left out when undefined. */
  location?: { lat: number; lon: number; cepKm: number };
}

/** Writes the 3-byte IE header (IEI u8, length u16) at `offset`; returns the offset after it. */
function writeIeHeader(buf: Buffer, offset: number, iei: number, length: number): number {
  buf.writeUInt8(iei, offset);
  buf.writeUInt16BE(length, offset + 1);
  return offset + 3;
}

/** Writes an IMEI as 15 ASCII bytes at `offset`; throws when it is not 15 ASCII characters. */
function writeImei(buf: Buffer, offset: number, imei: string): number {
  if (imei.length !== IMEI_LENGTH || !/^[\x20-\x7e]+$/.test(imei))
    throw new Error(`IMEI must be 15 ASCII characters: ${JSON.stringify(imei)}`);
  for (let i = 0; i < IMEI_LENGTH; i++) buf.writeUInt8(imei.charCodeAt(i), offset + i);
  return offset + IMEI_LENGTH;
}

/**
 * Splits an absolute angle in decimal degrees into whole degrees and thousandths of a minute,
 * rounding the thousandths (and carrying a rounded-up 60,000 into the degrees).
 */
export function degreesToDegMinThousandths(absDeg: number): { deg: number; thousandths: number } {
  let deg = Math.floor(absDeg);
  let thousandths = Math.round((absDeg - deg) * THOUSANDTHS_PER_DEGREE);
  if (thousandths >= THOUSANDTHS_PER_DEGREE) {
    deg += 1;
    thousandths -= THOUSANDTHS_PER_DEGREE;
  }
  return { deg, thousandths };
}

/** Lays out a complete MO message (revision, overall length, header IE, then payload and location IEs when given). */
export function moMessageBytes(m: MoMessage): Buffer {
  const payloadLength = m.payload ? 3 + m.payload.length : 0;
  const locationLength = m.location ? 3 + LEN.moLocation : 0;
  const overall = 3 + LEN.moHeader + payloadLength + locationLength;
  const buf = Buffer.alloc(3 + overall);

  // Message header.
  buf.writeUInt8(REVISION, 0);
  buf.writeUInt16BE(overall, 1);
  let o = 3;

  // MO header: CDR u32 · IMEI 15 · session status u8 · MOMSN u16 · MTMSN u16 · time u32.
  o = writeIeHeader(buf, o, IEI.moHeader, LEN.moHeader);
  buf.writeUInt32BE(m.cdr, o);
  o = writeImei(buf, o + 4, m.imei);
  buf.writeUInt8(m.sessionStatus ?? 0, o);
  buf.writeUInt16BE(m.momsn, o + 1);
  buf.writeUInt16BE(m.mtmsn ?? 0, o + 3);
  buf.writeUInt32BE(m.sessionTimeS, o + 5);
  o += 9;

  // MO payload: raw bytes.
  if (m.payload) {
    o = writeIeHeader(buf, o, IEI.moPayload, m.payload.length);
    Buffer.from(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength).copy(buf, o);
    o += m.payload.length;
  }

  // MO location: flags (bit0 west, bit1 south, format code 0) · lat deg u8 · lat thousandths u16 ·
  // lon deg u8 · lon thousandths u16 · CEP radius u32 (km).
  if (m.location) {
    const { lat, lon, cepKm } = m.location;
    const la = degreesToDegMinThousandths(Math.abs(lat));
    const lo = degreesToDegMinThousandths(Math.abs(lon));
    const flags = (lon < 0 ? 0x01 : 0) | (lat < 0 ? 0x02 : 0);
    o = writeIeHeader(buf, o, IEI.moLocation, LEN.moLocation);
    buf.writeUInt8(flags, o);
    buf.writeUInt8(la.deg, o + 1);
    buf.writeUInt16BE(la.thousandths, o + 2);
    buf.writeUInt8(lo.deg, o + 4);
    buf.writeUInt16BE(lo.thousandths, o + 5);
    buf.writeUInt32BE(cepKm, o + 7);
    o += LEN.moLocation;
  }

  if (o !== buf.length) throw new Error(`MO layout error: wrote ${o} of ${buf.length} bytes`);
  return buf;
}

/**
 * The status byte of an MO confirmation message (exactly: revision 1, overall length 4, IEI 0x05,
 * length 1, status), or undefined when `b` is not one. Bytes after the message are ignored.
 */
export function parseMoConfirmationBytes(b: Buffer): number | undefined {
  if (b.length < 3 + 3 + LEN.moConfirmation) return undefined;
  if (b.readUInt8(0) !== REVISION) return undefined;
  if (b.readUInt16BE(1) !== 3 + LEN.moConfirmation) return undefined;
  if (b.readUInt8(3) !== IEI.moConfirmation) return undefined;
  if (b.readUInt16BE(4) !== LEN.moConfirmation) return undefined;
  return b.readUInt8(6);
}

/** The result of one MO exchange. */
export interface MoExchange {
  /** Status byte of a valid MO confirmation (1 received, 0 failed), undefined when none came. */
  confirmation: number | undefined;
  /** Whether the server closed (or reset) the connection. */
  closed: boolean;
  /** Every byte received. */
  raw: Buffer;
}

/** How long sendMo waits, after a complete reply, to see whether the server closes the connection. */
const CLOSE_GRACE_MS = 250;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Plays the Iridium gateway's MO side against a DirectIP server on `port`: connects over TCP,
 * writes `bytes` (in chunks split at the `split` offsets, 5 ms apart, when given), then reads until
 * the server closes the connection, a complete message (3 + overall length bytes) has arrived, or
 * `timeoutMs` (default 5000) has passed. After a complete reply it waits up to 250 ms more for the
 * server to close, so that `closed` tells whether the server ends the connection after answering.
 * Rejects only when the connection cannot be made.
 */
export function sendMo(
  port: number,
  bytes: Uint8Array,
  opts: { host?: string; split?: number[]; timeoutMs?: number } = {},
): Promise<MoExchange> {
  const host = opts.host ?? '127.0.0.1';
  const timeoutMs = opts.timeoutMs ?? 5000;
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  // The chunks to write: cut at each split offset (sorted, inside the message).
  const cuts = [...new Set((opts.split ?? []).filter((c) => c > 0 && c < data.length))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const c of [...cuts, data.length]) {
    chunks.push(data.subarray(from, c));
    from = c;
  }

  return new Promise<MoExchange>((resolve, reject) => {
    const received: Buffer[] = [];
    let connected = false;
    let closed = false;
    let done = false;
    let graceTimer: NodeJS.Timeout | undefined;

    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      clearTimeout(graceTimer);
      socket.destroy();
      const raw = Buffer.concat(received);
      resolve({ confirmation: parseMoConfirmationBytes(raw), closed, raw });
    };
    const deadline = setTimeout(finish, timeoutMs);

    /** Whether the bytes received so far hold a complete message. */
    const complete = (): boolean => {
      const raw = Buffer.concat(received);
      return raw.length >= 3 && raw.length >= 3 + raw.readUInt16BE(1);
    };

    const socket = net.connect({ host, port });
    socket.on('connect', () => {
      connected = true;
      void (async () => {
        for (let i = 0; i < chunks.length && !done && !closed; i++) {
          if (i > 0) await sleep(5);
          if (!done && !closed && !socket.destroyed) socket.write(chunks[i] as Buffer);
        }
      })();
    });
    socket.on('data', (d: Buffer) => {
      received.push(d);
      if (complete() && graceTimer === undefined) graceTimer = setTimeout(finish, CLOSE_GRACE_MS);
    });
    socket.on('end', () => {
      closed = true;
      finish();
    });
    socket.on('close', () => {
      if (connected) closed = true;
      finish();
    });
    socket.on('error', (err) => {
      if (!connected) {
        done = true;
        clearTimeout(deadline);
        socket.destroy();
        reject(err);
        return;
      }
      // A reset or a broken pipe after connecting: the server has gone away.
      closed = true;
      finish();
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Mobile-terminated (MT): our DirectIP client → gateway
// ---------------------------------------------------------------------------------------------

/** An MT message as the emulated gateway read it. */
export interface ParsedMt {
  /** Unique client message id (4 bytes). */
  clientMessageId: Buffer;
  /** 15 ASCII characters. */
  imei: string;
  /** Disposition flags (u16): 0x0001 flush queue, 0x0002 ring alert, … */
  flags: number;
  /** MT payload IE content, when present. */
  payload?: Buffer;
  /** MT priority IE level (u16), when present. */
  priority?: number;
  /** The whole message as received (revision through last IE). */
  raw: Buffer;
}

/**
 * Parses a complete MT message by hand: revision 1, overall length matching, then exactly one MT
 * header (0x41, 21), at most one payload (0x42) and at most one priority (0x46, 2). Throws on
 * anything else (unknown or repeated IEs, bad lengths, trailing or missing bytes).
 */
export function parseMtMessageBytes(b: Buffer): ParsedMt {
  if (b.length < 3) throw new Error('MT: shorter than the message header');
  if (b.readUInt8(0) !== REVISION) throw new Error(`MT: protocol revision ${b.readUInt8(0)}`);
  const overall = b.readUInt16BE(1);
  if (b.length !== 3 + overall) throw new Error(`MT: overall length ${overall} but ${b.length - 3} bytes follow`);

  let header: { clientMessageId: Buffer; imei: string; flags: number } | undefined;
  let payload: Buffer | undefined;
  let priority: number | undefined;
  let o = 3;
  while (o < b.length) {
    if (o + 3 > b.length) throw new Error(`MT: truncated IE header at ${o}`);
    const iei = b.readUInt8(o);
    const len = b.readUInt16BE(o + 1);
    const start = o + 3;
    const end = start + len;
    if (end > b.length) throw new Error(`MT: IE 0x${iei.toString(16)} length ${len} runs past the message`);
    switch (iei) {
      case IEI.mtHeader:
        if (header) throw new Error('MT: repeated header IE');
        if (len !== LEN.mtHeader) throw new Error(`MT: header length ${len}`);
        header = {
          clientMessageId: Buffer.from(b.subarray(start, start + 4)),
          imei: b.toString('latin1', start + 4, start + 4 + IMEI_LENGTH),
          flags: b.readUInt16BE(start + 4 + IMEI_LENGTH),
        };
        break;
      case IEI.mtPayload:
        if (payload) throw new Error('MT: repeated payload IE');
        payload = Buffer.from(b.subarray(start, end));
        break;
      case IEI.mtPriority:
        if (priority !== undefined) throw new Error('MT: repeated priority IE');
        if (len !== LEN.mtPriority) throw new Error(`MT: priority length ${len}`);
        priority = b.readUInt16BE(start);
        break;
      default:
        throw new Error(`MT: unexpected IE 0x${iei.toString(16)}`);
    }
    o = end;
  }
  if (!header) throw new Error('MT: no header IE');
  const parsed: ParsedMt = { ...header, raw: Buffer.from(b) };
  if (payload) parsed.payload = payload;
  if (priority !== undefined) parsed.priority = priority;
  return parsed;
}

/** What an MT confirmation carries. */
export interface MtConfirmation {
  clientMessageId: Buffer;
  imei: string;
  autoId: number;
  /** 1..50 queue position, 0 no payload, negative error. */
  status: number;
}

/** Lays out an MT confirmation message: revision 1, overall length 28, IEI 0x44, length 25, content. */
export function mtConfirmationBytes(c: MtConfirmation): Buffer {
  if (c.clientMessageId.length !== 4) throw new Error('client message id must be 4 bytes');
  const buf = Buffer.alloc(3 + 3 + LEN.mtConfirmation);
  buf.writeUInt8(REVISION, 0);
  buf.writeUInt16BE(3 + LEN.mtConfirmation, 1);
  let o = writeIeHeader(buf, 3, IEI.mtConfirmation, LEN.mtConfirmation);
  c.clientMessageId.copy(buf, o);
  o = writeImei(buf, o + 4, c.imei);
  buf.writeUInt32BE(c.autoId, o);
  buf.writeInt16BE(c.status, o + 4);
  return buf;
}

/**
 * Parses an MT confirmation message by hand (revision 1, overall length 28, IEI 0x44, length 25);
 * undefined when `b` is not exactly one.
 */
export function parseMtConfirmationBytes(b: Buffer): MtConfirmation | undefined {
  if (b.length !== 3 + 3 + LEN.mtConfirmation) return undefined;
  if (b.readUInt8(0) !== REVISION || b.readUInt16BE(1) !== 3 + LEN.mtConfirmation) return undefined;
  if (b.readUInt8(3) !== IEI.mtConfirmation || b.readUInt16BE(4) !== LEN.mtConfirmation) return undefined;
  return {
    clientMessageId: Buffer.from(b.subarray(6, 10)),
    imei: b.toString('latin1', 10, 10 + IMEI_LENGTH),
    autoId: b.readUInt32BE(25),
    status: b.readInt16BE(29),
  };
}

/** How the emulated gateway answers one MT message. */
export type MtResponse = number | { status: number; autoId?: number } | 'hang' | 'close';

/** A running emulated MT gateway. */
export interface MtGateway {
  port: number;
  /** Every well-formed MT message read, in arrival order. */
  received: ParsedMt[];
  /** Destroys open sockets and closes the server. */
  close(): Promise<void>;
}

/**
 * Emulates the Iridium gateway's MT side on 127.0.0.1 (an ephemeral port). For each connection it
 * buffers until one complete message is read, parses it by hand (destroying the socket on anything
 * malformed), records it, asks `respond`, then writes an MT confirmation and ends the socket.
 * `respond` returns a status (auto-id: a counter from 1000 for status ≥ 0, 0 for negatives), a
 * status with an explicit auto-id, 'hang' (never answer; the socket stays open until close()), or
 * 'close' (destroy the socket without answering).
 */
export async function startMtGateway(respond: (req: ParsedMt) => MtResponse): Promise<MtGateway> {
  const received: ParsedMt[] = [];
  const sockets = new Set<net.Socket>();
  let nextAutoId = 1000;

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());

    let buffered = Buffer.alloc(0);
    let handled = false;
    socket.on('data', (d: Buffer) => {
      if (handled) return; // one message per connection: anything after it is ignored
      buffered = Buffer.concat([buffered, d]);
      if (buffered.length >= 1 && buffered.readUInt8(0) !== REVISION) {
        socket.destroy();
        return;
      }
      if (buffered.length < 3 || buffered.length < 3 + buffered.readUInt16BE(1)) return;
      handled = true;

      let reply: Buffer;
      try {
        const req = parseMtMessageBytes(buffered.subarray(0, 3 + buffered.readUInt16BE(1)));
        received.push(req);
        const answer = respond(req);
        if (answer === 'hang') return;
        if (answer === 'close') {
          socket.destroy();
          return;
        }
        const { status, autoId } = typeof answer === 'number' ? { status: answer, autoId: undefined } : answer;
        const id = autoId ?? (status >= 0 ? nextAutoId++ : 0);
        reply = mtConfirmationBytes({ clientMessageId: req.clientMessageId, imei: req.imei, autoId: id, status });
      } catch {
        // Malformed message (or an IMEI that cannot be echoed): drop the connection unanswered.
        socket.destroy();
        return;
      }
      socket.end(reply);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('MT gateway: no TCP address');

  return {
    port: address.port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
