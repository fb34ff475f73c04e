/**
 * The Iridium SBD DirectIP codec against messages laid out here byte by byte, following the IE table
 * of the DirectIP spec (docs/interop.md, "Iridium SBD DirectIP"): literal hex,
 * one comment per field. The codec's encoder is never used to build an input for the parser, and the
 * expected bytes of every encoding are written out by hand. Hex forms of the numbers (0x6752af00 for
 * 1,733,472,000 s; 0xcb9b for 52,123) were computed with Python, not with our code.
 */
import { describe, expect, it } from 'vitest';
import {
  DIRECT_IP_ERROR_CODES,
  DIRECT_IP_MAX_MESSAGE_BYTES,
  DirectIpError,
  MO_SESSION_STATUS,
  MT_DISPOSITION_FLAGS,
  directIpMessageLength,
  encodeDirectIp,
  isDirectIpError,
  mtStatusText,
  parseDirectIp,
  type DirectIpErrorCode,
  type DirectIpMessage,
  type MoMessage,
  type MtConfirmation,
  type MtMessage,
} from '../../src/frame/iridium-sbd/index.js';
import { hex, toHex } from './helpers.js';

/** "300234010753370" as ASCII. */
const IMEI = '300234010753370';
const IMEI_HEX = '333030323334303130373533333730';

// MO header IE: IEI 0x01 · length 28 · CDR 0x01020304 · IMEI · status 0 · MOMSN 42 · MTMSN 0 ·
// time 1,733,472,000 s (2024-12-06T08:00:00Z)
const MO_HEADER_IE = `01 001c 01020304 ${IMEI_HEX} 00 002a 0000 6752af00`;
// MO payload IE: IEI 0x02 · length 5 · "hello"
const MO_PAYLOAD_IE = '02 0005 68656c6c6f';
// MO location IE: IEI 0x03 · length 11 · flags 0x03 (bit 1 south, bit 0 west) · 33° · 52.123' ·
// 151° · 12.345' · CEP 5 km
const MO_LOCATION_IE = '03 000b 03 21 cb9b 97 3039 00000005';
// revision 1 · overall length 53 (31 + 8 + 14)
const MO_HEX = `01 0035 ${MO_HEADER_IE} ${MO_PAYLOAD_IE} ${MO_LOCATION_IE}`;

/** Revision 1 and the overall length (the IEs' byte count, hex-counted here) before some IEs. */
function message(iesHex: string): Uint8Array {
  const ies = hex(iesHex);
  return Uint8Array.from([0x01, ies.length >> 8, ies.length & 0xff, ...ies]);
}

function refusal(f: () => unknown): DirectIpError {
  try {
    f();
  } catch (e) {
    if (e instanceof DirectIpError) return e;
    throw e;
  }
  throw new Error('accepted');
}

function parseAs<K extends DirectIpMessage['kind']>(bytes: Uint8Array, kind: K): Extract<DirectIpMessage, { kind: K }> {
  const m = parseDirectIp(bytes);
  if (m.kind !== kind) throw new Error(`parsed as ${m.kind}`);
  return m as Extract<DirectIpMessage, { kind: K }>;
}

describe('parseDirectIp: MO messages', () => {
  it('reads every field of an MO header, payload and south-west location', () => {
    const mo = parseAs(hex(MO_HEX), 'mo');
    expect(mo.header).toStrictEqual({
      cdrReference: 0x01020304,
      imei: IMEI,
      sessionStatus: 0,
      momsn: 42,
      mtmsn: 0,
      sessionTime: 1_733_472_000_000,
    });
    expect(new Date(mo.header.sessionTime).toISOString()).toBe('2024-12-06T08:00:00.000Z');
    expect(Buffer.from(mo.payload!).toString('latin1')).toBe('hello');
    expect(mo.location!.lat).toBeCloseTo(-(33 + 52.123 / 60), 12);
    expect(mo.location!.lon).toBeCloseTo(-(151 + 12.345 / 60), 12);
    expect(mo.location!.cepRadiusKm).toBe(5);
    expect(MO_SESSION_STATUS[mo.header.sessionStatus]).toBe('success');
  });

  it('reads the north/south flag from bit 1 and the east/west flag from bit 0', () => {
    const at = (flags: string): { lat: number; lon: number } => {
      const { lat, lon } = parseAs(
        message(`${MO_HEADER_IE} 03 000b ${flags} 0a 7530 14 0000 00000000`),
        'mo',
      ).location!;
      return { lat, lon };
    };
    // 10° 30.000' and 20° 0.000'
    expect(at('00')).toStrictEqual({ lat: 10.5, lon: 20 });
    expect(at('01')).toStrictEqual({ lat: 10.5, lon: -20 });
    expect(at('02')).toStrictEqual({ lat: -10.5, lon: 20 });
    expect(at('03')).toStrictEqual({ lat: -10.5, lon: -20 });
    // Reserved bits 4-7 carry no meaning and are ignored.
    expect(at('f2')).toStrictEqual({ lat: -10.5, lon: 20 });
  });

  it('gives 0, not -0, for a zero coordinate flagged south or west', () => {
    const loc = parseAs(message(`${MO_HEADER_IE} 03 000b 03 00 0000 00 0000 00000000`), 'mo').location!;
    expect(Object.is(loc.lat, 0)).toBe(true);
    expect(Object.is(loc.lon, 0)).toBe(true);
  });

  it('accepts the extreme coordinates 90° S and 180° W', () => {
    const loc = parseAs(message(`${MO_HEADER_IE} 03 000b 03 5a 0000 b4 0000 ffffffff`), 'mo').location!;
    expect(loc).toStrictEqual({ lat: -90, lon: -180, cepRadiusKm: 0xffff_ffff });
  });

  it('reads an MO with only a header, and IEs in any order', () => {
    const bare = parseAs(message(MO_HEADER_IE), 'mo');
    expect(bare).not.toHaveProperty('payload');
    expect(bare).not.toHaveProperty('location');
    const shuffled = parseAs(message(`${MO_LOCATION_IE} ${MO_PAYLOAD_IE} ${MO_HEADER_IE}`), 'mo');
    expect(shuffled).toStrictEqual(parseAs(hex(MO_HEX), 'mo'));
  });

  it('keeps a session status it has no name for, and the upper ranges of every header number', () => {
    // CDR 0xffffffff · status 0xfe · MOMSN 65535 · MTMSN 65535 · time 0xffffffff s
    const mo = parseAs(message(`01 001c ffffffff ${IMEI_HEX} fe ffff ffff ffffffff`), 'mo');
    expect(mo.header).toStrictEqual({
      cdrReference: 0xffff_ffff,
      imei: IMEI,
      sessionStatus: 0xfe,
      momsn: 0xffff,
      mtmsn: 0xffff,
      sessionTime: 0xffff_ffff * 1000,
    });
    expect(MO_SESSION_STATUS[0xfe]).toBeUndefined();
  });

  it('skips an unknown IE, even twice, but still reads the ones around it', () => {
    // IEI 0x7f, length 3, bytes aa bb cc; then IEI 0x43 (MT location, not decoded), length 0
    const mo = parseAs(message(`7f 0003 aabbcc ${MO_HEADER_IE} 7f 0003 aabbcc ${MO_PAYLOAD_IE} 43 0000`), 'mo');
    expect(mo.header.momsn).toBe(42);
    expect(toHex(mo.payload!)).toBe('68656c6c6f');
  });

  it('returns a payload that is a copy, independent of the input buffer', () => {
    const input = hex(MO_HEX);
    const mo = parseAs(input, 'mo');
    input.fill(0);
    expect(toHex(mo.payload!)).toBe('68656c6c6f');
    expect(mo.payload).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(mo.payload)).toBe(false);
  });

  it('reads a message lying at an offset inside a larger (pooled) buffer', () => {
    const pool = Buffer.concat([Buffer.from('ffffff', 'hex'), Buffer.from(hex(MO_HEX)), Buffer.from('ee', 'hex')]);
    const view = pool.subarray(3, pool.length - 1);
    expect(parseDirectIp(view)).toStrictEqual(parseDirectIp(hex(MO_HEX)));
  });
});

describe('parseDirectIp: MT, MT confirmation and MO confirmation', () => {
  // MT confirmation IE: IEI 0x44 · length 25 · client id "Msg1" · IMEI · auto-ID 12,345,678 · status
  const confirmation = (statusHex: string): MtConfirmation =>
    parseAs(hex(`01 001c 44 0019 4d736731 ${IMEI_HEX} 00bc614e ${statusHex}`), 'mt-confirmation');

  it('reads an MT confirmation with a queue position', () => {
    const c = confirmation('0003');
    expect(c).toStrictEqual({
      kind: 'mt-confirmation',
      clientMessageId: Uint8Array.from([0x4d, 0x73, 0x67, 0x31]),
      imei: IMEI,
      autoIdReference: 12_345_678,
      status: 3,
    });
    expect(mtStatusText(c.status)).toBe('queued at position 3');
  });

  it('reads negative MT confirmation statuses as signed 16-bit errors', () => {
    expect(confirmation('fffe').status).toBe(-2);
    expect(mtStatusText(-2)).toBe('unknown IMEI');
    expect(confirmation('fff5').status).toBe(-11);
    expect(mtStatusText(-11)).toBe('MTMSN out of range');
    expect(confirmation('ffff').status).toBe(-1);
    expect(mtStatusText(-1)).toBe('invalid IMEI');
    expect(confirmation('8000').status).toBe(-32_768);
    expect(mtStatusText(-32_768)).toBe('unknown MT status -32768');
  });

  it('names status 0 as a mailbox check and 1..50 as queue positions', () => {
    expect(confirmation('0000').status).toBe(0);
    expect(mtStatusText(0)).toBe('success, no payload (mailbox check)');
    expect(mtStatusText(1)).toBe('queued at position 1');
    expect(mtStatusText(50)).toBe('queued at position 50');
    expect(mtStatusText(51)).toBe('unknown MT status 51');
    expect(mtStatusText(-5)).toBe('MT queue full (max 50)');
  });

  it('reads an MT message with its header, payload and priority', () => {
    // MT header IE: IEI 0x41 · length 21 · "Msg1" · IMEI · flags 0x0011; payload "hello"; priority 2
    const mt = parseAs(message(`41 0015 4d736731 ${IMEI_HEX} 0011 42 0005 68656c6c6f 46 0002 0002`), 'mt');
    expect(mt).toStrictEqual({
      kind: 'mt',
      clientMessageId: Uint8Array.from([0x4d, 0x73, 0x67, 0x31]),
      imei: IMEI,
      flags: 0x0011,
      payload: Uint8Array.from(Buffer.from('hello')),
      priority: 2,
    });
  });

  it('reads an MT message without payload (a queue flush)', () => {
    const mt = parseAs(message(`41 0015 00000000 ${IMEI_HEX} 0001`), 'mt');
    expect(mt.flags).toBe(MT_DISPOSITION_FLAGS.flushMtQueue);
    expect(mt).not.toHaveProperty('payload');
    expect(mt).not.toHaveProperty('priority');
  });

  it('reads both MO confirmation statuses', () => {
    expect(parseDirectIp(hex('01 0004 05 0001 01'))).toStrictEqual({ kind: 'mo-confirmation', status: 1 });
    expect(parseDirectIp(hex('01 0004 05 0001 00'))).toStrictEqual({ kind: 'mo-confirmation', status: 0 });
  });
});

describe('encodeDirectIp', () => {
  it('writes the MO confirmation as 01 0004 05 0001 01', () => {
    expect(toHex(encodeDirectIp({ kind: 'mo-confirmation', status: 1 }))).toBe('01000405000101');
    expect(toHex(encodeDirectIp({ kind: 'mo-confirmation', status: 0 }))).toBe('01000405000100');
  });

  it('writes an MT message as exactly the hand-laid bytes', () => {
    const mt: MtMessage = {
      kind: 'mt',
      clientMessageId: Uint8Array.from(Buffer.from('Msg1')),
      imei: IMEI,
      flags: MT_DISPOSITION_FLAGS.flushMtQueue | MT_DISPOSITION_FLAGS.highPriority,
      payload: Uint8Array.from(Buffer.from('hello')),
      priority: 2,
    };
    // revision 1 · length 37 (24 + 8 + 5) · MT header IE · MT payload IE · MT priority IE
    const expected = `01 0025 41 0015 4d736731 ${IMEI_HEX} 0011 42 0005 68656c6c6f 46 0002 0002`;
    expect(toHex(encodeDirectIp(mt))).toBe(toHex(hex(expected)));
  });

  it('writes an MT message without payload or priority as the header IE alone', () => {
    const mt: MtMessage = { kind: 'mt', clientMessageId: Uint8Array.of(0, 0, 0, 7), imei: IMEI, flags: 0x0002 };
    expect(toHex(encodeDirectIp(mt))).toBe(toHex(hex(`01 0018 41 0015 00000007 ${IMEI_HEX} 0002`)));
  });

  it('writes an MO message as the hand-laid bytes, location rounded to thousandths of a minute', () => {
    const mo: MoMessage = {
      kind: 'mo',
      header: {
        cdrReference: 0x01020304,
        imei: IMEI,
        sessionStatus: 0,
        momsn: 42,
        mtmsn: 0,
        sessionTime: 1_733_472_000_000,
      },
      payload: Uint8Array.from(Buffer.from('hello')),
      // 33.868716… is 33° 52.123'; the extra 0.0000001° (0.006 thousandths of a minute) rounds away
      location: { lat: -33.8687167, lon: -151.20575, cepRadiusKm: 5 },
    };
    expect(toHex(encodeDirectIp(mo))).toBe(toHex(hex(MO_HEX)));
  });

  it('carries a rounded 60,000 thousandths of a minute into the next degree', () => {
    // 10.999999° is 10° 59.99994', which rounds to 11° 0.000'; 12.3456789° is 12° 20.741'
    const mo: MoMessage = {
      kind: 'mo',
      header: { cdrReference: 0, imei: IMEI, sessionStatus: 0, momsn: 0, mtmsn: 0, sessionTime: 0 },
      location: { lat: 10.999999, lon: 12.3456789, cepRadiusKm: 1 },
    };
    const bytes = encodeDirectIp(mo);
    expect(toHex(bytes.subarray(bytes.length - 14))).toBe(toHex(hex('03 000b 00 0b 0000 0c 5105 00000001')));
  });

  it('writes the MT confirmation with a signed status', () => {
    const c: MtConfirmation = {
      kind: 'mt-confirmation',
      clientMessageId: Uint8Array.of(1, 2, 3, 4),
      imei: IMEI,
      autoIdReference: 0,
      status: -4,
    };
    expect(toHex(encodeDirectIp(c))).toBe(toHex(hex(`01 001c 44 0019 01020304 ${IMEI_HEX} 00000000 fffc`)));
  });
});

describe('directIpMessageLength', () => {
  it('is undefined until the 3-byte header is there, then 3 + overall length', () => {
    const full = hex(MO_HEX);
    expect(directIpMessageLength(full.subarray(0, 0))).toBeUndefined();
    expect(directIpMessageLength(full.subarray(0, 1))).toBeUndefined();
    expect(directIpMessageLength(full.subarray(0, 2))).toBeUndefined();
    expect(directIpMessageLength(full.subarray(0, 3))).toBe(56);
    expect(directIpMessageLength(full.subarray(0, 20))).toBe(56);
    expect(directIpMessageLength(full)).toBe(full.length);
  });

  it('refuses a stream that is not DirectIP or would exceed the size limit, before it all arrives', () => {
    expect(refusal(() => directIpMessageLength(hex('47 4554')))).toMatchObject({ code: 'SBD_BAD_REVISION' });
    expect(refusal(() => directIpMessageLength(hex('01 ffff')))).toMatchObject({
      code: 'SBD_TOO_LARGE',
      field: 'length',
    });
    expect(directIpMessageLength(hex('01 0ffd'))).toBe(DIRECT_IP_MAX_MESSAGE_BYTES);
    expect(refusal(() => directIpMessageLength(hex('01 0ffe')))).toMatchObject({ code: 'SBD_TOO_LARGE' });
  });
});

/** [code, field, what, input]: every refusal the codec makes, from hand-laid bytes or a bad value to encode. */
const MO_HEADER = { cdrReference: 1, imei: IMEI, sessionStatus: 0, momsn: 1, mtmsn: 0, sessionTime: 1000 };
const REFUSALS: readonly [DirectIpErrorCode, string | undefined, string, () => unknown][] = [
  ['SBD_TOO_SHORT', 'header', 'two bytes', () => parseDirectIp(hex('01 00'))],
  ['SBD_TOO_SHORT', 'header', 'no bytes', () => parseDirectIp(new Uint8Array(0))],
  ['SBD_BAD_REVISION', 'revision', 'revision 2', () => parseDirectIp(hex('02 0004 05 0001 01'))],
  ['SBD_BAD_LENGTH', 'length', 'a length one more than the bytes', () => parseDirectIp(hex('01 0005 05 0001 01'))],
  ['SBD_BAD_LENGTH', 'length', 'a byte after the declared end', () => parseDirectIp(hex('01 0004 05 0001 01 00'))],
  [
    'SBD_BAD_IE',
    'moPayload',
    'an IE longer than the message',
    () => parseDirectIp(message(`${MO_HEADER_IE} 02 0005 6865`)),
  ],
  [
    'SBD_BAD_IE',
    'ie',
    'an unknown IE longer than the message',
    () => parseDirectIp(message(`${MO_HEADER_IE} 7f 0002 00`)),
  ],
  ['SBD_BAD_IE', 'ie', 'two bytes left: less than an IE header', () => parseDirectIp(message(`${MO_HEADER_IE} 02 00`))],
  [
    'SBD_BAD_IE',
    'moHeader',
    'an MO header of 27 bytes',
    () => parseDirectIp(message(`01 001b 01020304 ${IMEI_HEX} 00 002a 0000 6752af`)),
  ],
  [
    'SBD_BAD_IE',
    'moLocation',
    'an MO location of 10 bytes',
    () => parseDirectIp(message(`${MO_HEADER_IE} 03 000a 00 00 0000 00 0000 000000`)),
  ],
  ['SBD_BAD_IE', 'moConfirmation', 'an MO confirmation of 2 bytes', () => parseDirectIp(message('05 0002 0100'))],
  [
    'SBD_BAD_IE',
    'mtPriority',
    'an MT priority of 1 byte',
    () => parseDirectIp(message(`41 0015 00000000 ${IMEI_HEX} 0000 46 0001 01`)),
  ],
  ['SBD_BAD_IE', 'moPayload', 'an empty MO payload', () => parseDirectIp(message(`${MO_HEADER_IE} 02 0000`))],
  [
    'SBD_BAD_IE',
    'mtPayload',
    'encoding an empty MT payload',
    () =>
      encodeDirectIp({
        kind: 'mt',
        clientMessageId: new Uint8Array(4),
        imei: IMEI,
        flags: 0,
        payload: new Uint8Array(0),
      }),
  ],
  [
    'SBD_DUPLICATE_IE',
    'moPayload',
    'two MO payloads',
    () => parseDirectIp(message(`${MO_HEADER_IE} ${MO_PAYLOAD_IE} ${MO_PAYLOAD_IE}`)),
  ],
  ['SBD_DUPLICATE_IE', 'moHeader', 'two MO headers', () => parseDirectIp(message(`${MO_HEADER_IE} ${MO_HEADER_IE}`))],
  ['SBD_MISSING_IE', 'moHeader', 'an MO payload without header', () => parseDirectIp(message(MO_PAYLOAD_IE))],
  ['SBD_MISSING_IE', 'mtHeader', 'an MT payload without header', () => parseDirectIp(message('42 0001 00'))],
  [
    'SBD_BAD_IMEI',
    'moHeader.imei',
    'a letter in the MO IMEI',
    () => parseDirectIp(message(`01 001c 01020304 ${IMEI_HEX.slice(0, -2)}41 00 002a 0000 6752af00`)),
  ],
  [
    'SBD_BAD_IMEI',
    'mtConfirmation.imei',
    'a NUL in the confirmation IMEI',
    () => parseDirectIp(message(`44 0019 00000000 00${IMEI_HEX.slice(2)} 00000000 0001`)),
  ],
  [
    'SBD_BAD_IMEI',
    'mtHeader.imei',
    'encoding a 14-digit IMEI',
    () => encodeDirectIp({ kind: 'mt', clientMessageId: new Uint8Array(4), imei: IMEI.slice(1), flags: 0 }),
  ],
  [
    'SBD_TOO_LARGE',
    undefined,
    'a 4,097-byte message',
    () => parseDirectIp(new Uint8Array(DIRECT_IP_MAX_MESSAGE_BYTES + 1)),
  ],
  [
    'SBD_TOO_LARGE',
    'moPayload',
    'an MO payload of 1,961 bytes',
    () => parseDirectIp(message(`${MO_HEADER_IE} 02 07a9 ${'00'.repeat(1961)}`)),
  ],
  [
    'SBD_TOO_LARGE',
    'mtPayload',
    'an MT payload of 1,891 bytes',
    () => parseDirectIp(message(`41 0015 00000000 ${IMEI_HEX} 0000 42 0763 ${'00'.repeat(1891)}`)),
  ],
  [
    'SBD_TOO_LARGE',
    'mtPayload',
    'encoding an MT payload of 1,891 bytes',
    () =>
      encodeDirectIp({
        kind: 'mt',
        clientMessageId: new Uint8Array(4),
        imei: IMEI,
        flags: 0,
        payload: new Uint8Array(1891),
      }),
  ],
  [
    'SBD_BAD_VALUE',
    'moLocation.lat',
    'latitude minutes of 60.000',
    () => parseDirectIp(message(`${MO_HEADER_IE} 03 000b 00 0a ea60 00 0000 00000000`)),
  ],
  [
    'SBD_BAD_VALUE',
    'moLocation.lon',
    'longitude minutes of 65.535',
    () => parseDirectIp(message(`${MO_HEADER_IE} 03 000b 00 00 0000 0a ffff 00000000`)),
  ],
  [
    'SBD_BAD_VALUE',
    'moLocation.lat',
    'latitude 91°',
    () => parseDirectIp(message(`${MO_HEADER_IE} 03 000b 00 5b 0000 00 0000 00000000`)),
  ],
  [
    'SBD_BAD_VALUE',
    'moLocation.lat',
    "latitude 90° 0.001'",
    () => parseDirectIp(message(`${MO_HEADER_IE} 03 000b 00 5a 0001 00 0000 00000000`)),
  ],
  [
    'SBD_BAD_VALUE',
    'moLocation.lon',
    'longitude 181°',
    () => parseDirectIp(message(`${MO_HEADER_IE} 03 000b 00 00 0000 b5 0000 00000000`)),
  ],
  [
    'SBD_BAD_VALUE',
    'moLocation.flags',
    'location format code 1',
    () => parseDirectIp(message(`${MO_HEADER_IE} 03 000b 04 00 0000 00 0000 00000000`)),
  ],
  [
    'SBD_BAD_VALUE',
    'mtPriority',
    'MT priority 0',
    () => parseDirectIp(message(`41 0015 00000000 ${IMEI_HEX} 0000 46 0002 0000`)),
  ],
  [
    'SBD_BAD_VALUE',
    'mtPriority',
    'MT priority 6',
    () => parseDirectIp(message(`41 0015 00000000 ${IMEI_HEX} 0000 46 0002 0006`)),
  ],
  ['SBD_BAD_VALUE', 'moConfirmation.status', 'MO confirmation status 2', () => parseDirectIp(message('05 0001 02'))],
  [
    'SBD_BAD_VALUE',
    'moHeader.sessionTime',
    'encoding a session time that is not whole seconds',
    () => encodeDirectIp({ kind: 'mo', header: { ...MO_HEADER, sessionTime: 1500 } }),
  ],
  [
    'SBD_BAD_VALUE',
    'moHeader.momsn',
    'encoding MOMSN 65,536',
    () => encodeDirectIp({ kind: 'mo', header: { ...MO_HEADER, momsn: 65_536 } }),
  ],
  [
    'SBD_BAD_VALUE',
    'moLocation.lat',
    'encoding latitude 90.5',
    () => encodeDirectIp({ kind: 'mo', header: MO_HEADER, location: { lat: 90.5, lon: 0, cepRadiusKm: 1 } }),
  ],
  [
    'SBD_BAD_VALUE',
    'moLocation.lon',
    'encoding longitude NaN',
    () => encodeDirectIp({ kind: 'mo', header: MO_HEADER, location: { lat: 0, lon: Number.NaN, cepRadiusKm: 1 } }),
  ],
  [
    'SBD_BAD_VALUE',
    'mtHeader.clientMessageId',
    'encoding a 5-byte client message id',
    () => encodeDirectIp({ kind: 'mt', clientMessageId: new Uint8Array(5), imei: IMEI, flags: 0 }),
  ],
  [
    'SBD_BAD_VALUE',
    'mtConfirmation.status',
    'encoding status 40,000',
    () =>
      encodeDirectIp({
        kind: 'mt-confirmation',
        clientMessageId: new Uint8Array(4),
        imei: IMEI,
        autoIdReference: 0,
        status: 40_000,
      }),
  ],
  [
    'SBD_BAD_VALUE',
    'moConfirmation.status',
    'encoding MO confirmation status 2',
    () => encodeDirectIp({ kind: 'mo-confirmation', status: 2 as 0 }),
  ],
  [
    'SBD_MIXED_MESSAGE',
    undefined,
    'an MO header beside an MT header',
    () => parseDirectIp(message(`${MO_HEADER_IE} 41 0015 00000000 ${IMEI_HEX} 0000`)),
  ],
  [
    'SBD_MIXED_MESSAGE',
    undefined,
    'an MO confirmation beside an MO payload',
    () => parseDirectIp(message(`05 0001 01 ${MO_PAYLOAD_IE}`)),
  ],
  ['SBD_UNKNOWN_MESSAGE', undefined, 'no IEs at all', () => parseDirectIp(hex('01 0000'))],
  ['SBD_UNKNOWN_MESSAGE', undefined, 'only an unknown IE', () => parseDirectIp(message('7f 0001 00'))],
  [
    'SBD_UNKNOWN_MESSAGE',
    'kind',
    'encoding an unknown kind',
    () => encodeDirectIp({ kind: 'nope' } as unknown as DirectIpMessage),
  ],
];

describe('refusals', () => {
  it.each(REFUSALS.map(([code, field, what, f]) => ({ code, field, what, f })))(
    'refuses $what with $code',
    ({ code, field, f }) => {
      const e = refusal(f);
      expect(e.code).toBe(code);
      expect(e.field).toBe(field);
      expect(isDirectIpError(e)).toBe(true);
      expect(e.name).toBe('DirectIpError');
      expect(e.message.length).toBeGreaterThan(0);
    },
  );

  it('exercises every error code', () => {
    expect(new Set(REFUSALS.map(([code]) => code))).toStrictEqual(new Set(DIRECT_IP_ERROR_CODES));
  });

  it('says why in the message, with the numbers involved', () => {
    expect(refusal(() => parseDirectIp(message(`01 001b 01020304 ${IMEI_HEX} 00 002a 0000 6752af`))).message).toBe(
      'MO header IE has 27 bytes; it is exactly 28',
    );
    expect(refusal(() => parseDirectIp(hex('01 0005 05 0001 01'))).message).toBe(
      'overall length says 5 bytes follow the header; 4 do',
    );
  });

  it('is not fooled by other errors: isDirectIpError is false for a plain Error', () => {
    expect(isDirectIpError(new Error('x'))).toBe(false);
    expect(isDirectIpError(undefined)).toBe(false);
  });
});
