import { concatBytes } from '../bytes.js';
import { CodecError, fromHex } from '../codec.js';
import { writeAddress } from './address.js';
import { writeBcdLe } from './bcd.js';
import { buildControl } from './control.js';
import { lookupDi } from './di-table.js';
import { errorCode, type Dlt645ErrorName } from './error-word.js';
import { buildDlt645Frame } from './framing.js';
import type { Dlt645Value } from './message.js';

/**
 * Builders for the frames a master and a meter exchange: read requests, data replies, error
 * replies and the broadcast time. They are the inverse of decodeDlt645 (used by the round-trip tests
 * and the digital twin's simulated meters). Invalid input throws CodecError CODEC_MALFORMED.
 */

interface FrameOptions {
  /** FE wake-up bytes before the frame, 0..4 (default 4, as masters send them). */
  readonly preamble?: number;
}

const READ = 0x11;
const READ_FOLLOW_UP = 0x12;

/** DI "00010000" as its 4 wire bytes, DI0 first (before the 0x33 offset). */
export function writeDi(di: string): Uint8Array {
  if (!/^[0-9a-fA-F]{8}$/.test(di)) throw new CodecError('CODEC_MALFORMED', `a DI is 8 hex digits, got "${di}"`);
  return writeAddress(`0000${di}`).subarray(0, 4);
}

/** The value bytes of a DI: a number (single DI), an array (block DI) or raw hex (any DI). */
export function encodeDiValue(di: string, value: Dlt645Value): Uint8Array {
  if (typeof value === 'string') return fromHex(value);
  const def = lookupDi(di);
  if (!def) throw new CodecError('CODEC_MALFORMED', `DI ${di} is not in the table: give the value as hex`);
  const { bytes, decimals, signed } = def.format;
  const one = (v: number | null) => {
    if (v === null) throw new CodecError('CODEC_MALFORMED', 'null cannot be encoded: give the value as hex');
    return writeBcdLe(v, bytes, decimals, signed);
  };
  if (!def.block) {
    if (typeof value !== 'number') throw new CodecError('CODEC_MALFORMED', `DI ${di} holds one value, not a list`);
    return one(value);
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || (def.count !== null && list.length !== def.count)) {
    throw new CodecError(
      'CODEC_MALFORMED',
      `block DI ${di} holds ${def.count ?? 'one or more'} values, got ${list.length}`,
    );
  }
  const out = new Uint8Array(list.length * bytes);
  list.forEach((v, i) => out.set(one(v), i * bytes));
  return out;
}

function byte(n: number, what: string): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 255)
    throw new CodecError('CODEC_MALFORMED', `${what} must be 0..255, got ${n}`);
  return Uint8Array.of(n);
}

/** Master → meter: read `di` (0x11), or its follow-up frame `seq` (0x12) when seq is given. */
export function encodeDlt645ReadRequest(
  r: FrameOptions & { address: string; di: string; seq?: number; paramsHex?: string },
): Uint8Array {
  const followUp = r.seq !== undefined;
  const data = followUp
    ? concatBytes(writeDi(r.di), byte(r.seq!, 'seq'))
    : concatBytes(writeDi(r.di), fromHex(r.paramsHex ?? ''));
  return buildDlt645Frame({
    address: r.address,
    control: buildControl({ direction: 'request', functionCode: followUp ? READ_FOLLOW_UP : READ }),
    data,
    preamble: r.preamble,
  });
}

/**
 * Meter → master: the normal reply to a read (0x91, or 0xB1 when `followUp` says more frames
 * follow; 0x92/0xB2 with `seq` for a follow-up read).
 */
export function encodeDlt645ReadReply(
  r: FrameOptions & { address: string; di: string; value: Dlt645Value; followUp?: boolean; seq?: number },
): Uint8Array {
  const isFollowUpRead = r.seq !== undefined;
  const parts = [writeDi(r.di), encodeDiValue(r.di, r.value)];
  if (isFollowUpRead) parts.push(byte(r.seq!, 'seq'));
  const control = buildControl({
    direction: 'reply',
    followUp: r.followUp,
    functionCode: isFollowUpRead ? READ_FOLLOW_UP : READ,
  });
  return buildDlt645Frame({ address: r.address, control, data: concatBytes(...parts), preamble: r.preamble });
}

/** Meter → master: an abnormal reply (D6 = 1) carrying the error word, to a read (0xD1) by default. */
export function encodeDlt645ErrorReply(
  r: FrameOptions & { address: string; error: number | readonly Dlt645ErrorName[]; functionCode?: number },
): Uint8Array {
  const code = typeof r.error === 'number' ? r.error : errorCode(r.error);
  const control = buildControl({ direction: 'reply', abnormal: true, functionCode: r.functionCode ?? READ });
  return buildDlt645Frame({ address: r.address, control, data: byte(code, 'error word'), preamble: r.preamble });
}

/** Master → all meters (address 99..99): broadcast time sync, `time` given as ISO-8601 and sent as meter-local time. */
export function encodeDlt645BroadcastTime(
  r: FrameOptions & { time: string; utcOffsetMinutes?: number; address?: string },
): Uint8Array {
  const t = Date.parse(r.time);
  if (Number.isNaN(t)) throw new CodecError('CODEC_MALFORMED', `time must be an ISO-8601 string, got "${r.time}"`);
  const d = new Date(t + (r.utcOffsetMinutes ?? 480) * 60_000);
  const year = d.getUTCFullYear();
  if (year < 2000 || year > 2099)
    throw new CodecError(
      'CODEC_MALFORMED',
      `time ${r.time} is outside 2000–2099 (meter-local), which BCD YY cannot hold`,
    );
  const fields = [
    d.getUTCSeconds(),
    d.getUTCMinutes(),
    d.getUTCHours(),
    d.getUTCDate(),
    d.getUTCMonth() + 1,
    year - 2000,
  ];
  const data = Uint8Array.from(fields, (v) => (Math.floor(v / 10) << 4) | (v % 10));
  return buildDlt645Frame({ address: r.address ?? '999999999999', control: 0x08, data, preamble: r.preamble });
}
