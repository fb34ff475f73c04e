import { CodecError, toHex } from '../codec.js';
import { readAddress } from './address.js';
import { DLT645_FUNCTIONS, parseControl } from './control.js';
import { lookupDi } from './di-table.js';
import { errorNames } from './error-word.js';
import { parseDlt645Frame } from './framing.js';
import type { Dlt645Message } from './message.js';
import { decodeDiValue } from './value.js';

export interface Dlt645DecodeOptions {
  /** Offset of the meters' local clock from UTC, for the broadcast-time command. Default +480 (China, UTC+8). */
  readonly utcOffsetMinutes?: number;
}

/** A DI is sent DI0 first; it is written DI3 first. */
function readDi(data: Uint8Array): string {
  return readAddress(data.subarray(0, 4));
}

function need(data: Uint8Array, n: number, what: string, exact = false): void {
  if (exact ? data.length !== n : data.length < n) {
    throw new CodecError(
      'CODEC_MALFORMED',
      `${what} needs ${exact ? '' : 'at least '}${n} data bytes, got ${data.length}`,
    );
  }
}

/**
 * Decodes one complete DL/T 645-2007 frame (optional FE preamble included). Throws CodecError:
 * CODEC_MALFORMED for framing/length problems, CODEC_CHECKSUM for a bad CS byte and
 * CODEC_UNSUPPORTED for a function code that is not DL/T 645-2007 (e.g. a 1997 frame's 0x01).
 */
export function decodeDlt645(bytes: Uint8Array, options: Dlt645DecodeOptions = {}): Dlt645Message {
  const frame = parseDlt645Frame(bytes);
  const control = parseControl(frame.control);
  const fn = DLT645_FUNCTIONS[control.functionCode];
  if (fn === undefined) {
    throw new CodecError(
      'CODEC_UNSUPPORTED',
      `function code 0x${control.functionCode.toString(16).padStart(2, '0')} is not DL/T 645-2007 (a DL/T ` +
        `645-1997 frame?)`,
      frame.preamble + 8,
    );
  }
  const link = {
    protocol: 'dlt645',
    address: frame.address,
    control,
    direction: control.direction,
    function: fn,
  } as const;
  const data = frame.data;
  const reply = control.direction === 'reply';

  if (reply && control.abnormal) {
    need(data, 1, 'an abnormal reply');
    const code = data[0]!;
    return { ...link, kind: 'error-reply', error: { code, names: errorNames(code) } };
  }

  switch (fn) {
    case 'read':
    case 'read-follow-up': {
      const followUp = fn === 'read-follow-up';
      need(data, followUp ? 5 : 4, reply ? 'a read reply' : 'a read request');
      const di = readDi(data);
      const def = lookupDi(di);
      const head = { di, name: def?.name ?? null, unit: def?.unit ?? null };
      if (!reply) {
        if (followUp) need(data, 5, 'a read follow-up request', true);
        const rest = data.subarray(4);
        return {
          ...link,
          kind: 'read-request',
          ...head,
          seq: followUp ? data[4]! : null,
          paramsHex: !followUp && rest.length > 0 ? toHex(rest) : null,
        };
      }
      // A follow-up reply ends with its frame sequence number SEQ.
      const valueBytes = data.subarray(4, followUp ? data.length - 1 : data.length);
      return {
        ...link,
        kind: 'read-reply',
        ...head,
        ...decodeDiValue(def, valueBytes),
        dataHex: toHex(valueBytes),
        seq: followUp ? data[data.length - 1]! : null,
      };
    }
    case 'read-address':
      if (!reply) return { ...link, kind: 'other', dataHex: toHex(data) };
      need(data, 6, 'a read-address reply', true);
      return { ...link, kind: 'address-reply', meterAddress: readAddress(data) };
    case 'broadcast-time':
      need(data, 6, 'a broadcast time', true);
      return {
        ...link,
        kind: 'broadcast-time',
        time: clockToIso(data, options.utcOffsetMinutes ?? 480),
        clockHex: toHex(data),
      };
    case 'write': {
      if (reply) return { ...link, kind: 'other', dataHex: toHex(data) };
      need(data, 12, 'a write request');
      const di = readDi(data);
      const def = lookupDi(di);
      const valueBytes = data.subarray(12);
      return {
        ...link,
        kind: 'write-request',
        di,
        name: def?.name ?? null,
        unit: def?.unit ?? null,
        passwordHex: toHex(data.subarray(4, 8)),
        operatorHex: toHex(data.subarray(8, 12)),
        ...decodeDiValue(def, valueBytes),
        dataHex: toHex(valueBytes),
      };
    }
    case 'write-address':
      if (reply) return { ...link, kind: 'other', dataHex: toHex(data) };
      need(data, 6, 'a write-address request', true);
      return { ...link, kind: 'write-address', newAddress: readAddress(data) };
    default:
      return { ...link, kind: 'other', dataHex: toHex(data) };
  }
}

/** ss mm hh DD MM YY (BCD, meter-local) as ISO-8601 UTC, or null when it is not a real date. */
function clockToIso(b: Uint8Array, utcOffsetMinutes: number): string | null {
  const f: number[] = [];
  for (const x of b) {
    if (x >> 4 > 9 || (x & 0x0f) > 9) return null;
    f.push((x >> 4) * 10 + (x & 0x0f));
  }
  const [ss, mi, hh, dd, mo, yy] = f as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || dd < 1 || hh > 23 || mi > 59 || ss > 59) return null;
  const local = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss);
  if (new Date(local).getUTCDate() !== dd) return null; // 31 April and the like
  return new Date(local - utcOffsetMinutes * 60_000).toISOString();
}
