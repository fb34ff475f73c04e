/**
 * The Semtech UDP packet-forwarder codec against the protocol documents' own examples
 * (Lora-net/packet_forwarder PROTOCOL.TXT for protocol v1, sx1302_hal packet_forwarder/PROTOCOL.md
 * for v2) and a datagram a Kerlink gateway sent in the field. The datagrams are assembled here from
 * the documented header layout, written as literal hex (version · token · identifier · EUI), followed
 * by the documents' JSON; the codec's encoder is not used to build them. Expected payload bytes and
 * Unix times were computed with Python's base64 and datetime modules, not with Node.
 */
import { describe, expect, it } from 'vitest';
import {
  encodeSemtechPacket,
  loraDataRate,
  parseSemtechPacket,
  TX_ACK_ERRORS,
  type Rxpk,
  type RxpkResult,
  type SemtechPacket,
  type Txpk,
} from '../../src/frame/semtech-udp/semtech-packet.js';
import {
  SEMTECH_ERROR_CODES,
  SemtechPacketError,
  isSemtechPacketError,
  type SemtechErrorCode,
} from '../../src/frame/semtech-udp/semtech-packet-error.js';
import { hex, toHex } from './helpers.js';

/** A datagram: the header in hex (spaces allowed), then the JSON text as UTF-8. */
function datagram(headerHex: string, json = ''): Uint8Array {
  return Uint8Array.from([...hex(headerHex), ...Buffer.from(json, 'utf8')]);
}

function refusal(f: () => unknown): SemtechPacketError {
  try {
    f();
  } catch (e) {
    if (e instanceof SemtechPacketError) return e;
    throw e;
  }
  throw new Error('accepted');
}

function parse(bytes: Uint8Array): SemtechPacket {
  return parseSemtechPacket(bytes);
}

function pushData(bytes: Uint8Array): Extract<SemtechPacket, { type: 'PUSH_DATA' }> {
  const p = parse(bytes);
  if (p.type !== 'PUSH_DATA') throw new Error(`parsed as ${p.type}`);
  return p;
}

function okRxpk(r: RxpkResult | undefined): Rxpk {
  if (r === undefined || !r.ok) throw new Error(`rxpk entry refused: ${JSON.stringify(r)}`);
  return r.rxpk;
}

/** The only rxpk entry of a PUSH_DATA whose JSON is {"rxpk":[entry]}. */
function singleRxpk(entry: Record<string, unknown>): RxpkResult {
  const results = pushData(datagram(PUSH_HEADER, JSON.stringify({ rxpk: [entry] }))).rxpk;
  expect(results).toHaveLength(1);
  return results[0]!;
}

// version 2 · token 0xa1b2 · PUSH_DATA 0x00 · gateway EUI aa555a0000000101
const PUSH_HEADER = '02 a1b2 00 aa555a0000000101';
// version 2 · token 0x4c3d · TX_ACK 0x05 · gateway EUI aa555a0000000101
const TX_ACK_HEADER = '02 4c3d 05 aa555a0000000101';
// version 2 · token 0x0001 · PULL_RESP 0x03 (no EUI)
const PULL_RESP_HEADER = '02 0001 03';

/** PROTOCOL.md §4 / PROTOCOL.TXT §4, the rxpk example (identical in both documents). */
const DOC_RXPK_EXAMPLE = `{"rxpk":[
	{
		"time":"2013-03-31T16:21:17.528002Z",
		"tmst":3512348611,
		"chan":2,
		"rfch":0,
		"freq":866.349812,
		"stat":1,
		"modu":"LORA",
		"datr":"SF7BW125",
		"codr":"4/6",
		"rssi":-35,
		"lsnr":5.1,
		"size":32,
		"data":"-DS4CGaDCdG+48eJNM3Vai-zDpsR71Pn9CPA9uCON84"
	},{
		"time":"2013-03-31T16:21:17.530974Z",
		"tmst":3512348514,
		"chan":9,
		"rfch":1,
		"freq":869.1,
		"stat":1,
		"modu":"FSK",
		"datr":50000,
		"rssi":-75,
		"size":16,
		"data":"VEVTVF9QQUNLRVRfMTIzNA=="
	},{
		"time":"2013-03-31T16:21:17.532038Z",
		"tmst":3316387610,
		"chan":0,
		"rfch":0,
		"freq":863.00981,
		"stat":1,
		"modu":"LORA",
		"datr":"SF10BW125",
		"codr":"4/7",
		"rssi":-38,
		"lsnr":5.5,
		"size":32,
		"data":"ysgRl452xNLep9S1NTIg2lomKDxUgn3DJ7DE+b00Ass"
	}
]}`;

/** The three rxpk of the example, field by field. */
const DOC_RXPK_EXPECTED: readonly Rxpk[] = [
  {
    time: 1364746877528,
    timeIso: '2013-03-31T16:21:17.528002Z',
    tmst: 3512348611,
    chan: 2,
    rfch: 0,
    freq: 866.349812,
    stat: 1,
    modu: 'LORA',
    datr: 'SF7BW125',
    codr: '4/6',
    rssi: -35,
    lsnr: 5.1,
    size: 32,
    data: hex('f834b808668309d1bee3c78934cdd56a2fb30e9b11ef53e7f423c0f6e08e37ce'),
  },
  {
    time: 1364746877530,
    timeIso: '2013-03-31T16:21:17.530974Z',
    tmst: 3512348514,
    chan: 9,
    rfch: 1,
    freq: 869.1,
    stat: 1,
    modu: 'FSK',
    datr: 50000,
    rssi: -75,
    size: 16,
    data: Uint8Array.from(Buffer.from('TEST_PACKET_1234', 'latin1')),
  },
  {
    time: 1364746877532,
    timeIso: '2013-03-31T16:21:17.532038Z',
    tmst: 3316387610,
    chan: 0,
    rfch: 0,
    freq: 863.00981,
    stat: 1,
    modu: 'LORA',
    datr: 'SF10BW125',
    codr: '4/7',
    rssi: -38,
    lsnr: 5.5,
    size: 32,
    data: hex('cac811978e76c4d2dea7d4b5353220da5a26283c54827dc327b0c4f9bd3402cb'),
  },
];

/** PROTOCOL.md §4, the stat example (v2 adds temp). */
const DOC_STAT_EXAMPLE = `{"stat":{
    "time":"2014-01-12 08:59:28 GMT",
    "lati":46.24000,
    "long":3.25230,
    "alti":145,
    "rxnb":2,
    "rxok":2,
    "rxfw":2,
    "ackr":100.0,
    "dwnb":2,
    "txnb":2,
    "temp": 23.2
}}`;

/** PROTOCOL.md / PROTOCOL.TXT §6, the two txpk examples; both carry the same 32-byte payload. */
const DOC_TXPK_LORA = `{"txpk":{
	"imme":true,
	"freq":864.123456,
	"rfch":0,
	"powe":14,
	"modu":"LORA",
	"datr":"SF11BW125",
	"codr":"4/6",
	"ipol":false,
	"size":32,
	"data":"H3P3N2i9qc4yt7rK7ldqoeCVJGBybzPY5h1Dd7P7p8v"
}}`;
const DOC_TXPK_FSK = `{"txpk":{
	"imme":true,
	"freq":861.3,
	"rfch":0,
	"powe":12,
	"modu":"FSK",
	"datr":50000,
	"fdev":3000,
	"size":32,
	"data":"H3P3N2i9qc4yt7rK7ldqoeCVJGBybzPY5h1Dd7P7p8v"
}}`;
const DOC_TXPK_PAYLOAD = '1f73f73768bda9ce32b7bacaee576aa1e0952460726f33d8e61d4377b3fba7cb';

/** A minimal valid LoRa rxpk, to vary one field at a time. */
const GOOD_RXPK = {
  tmst: 1000,
  freq: 868.1,
  stat: 1,
  modu: 'LORA',
  datr: 'SF12BW125',
  rssi: -110,
  size: 1,
  data: 'AQ==',
};
/** A minimal valid LoRa txpk. */
const GOOD_TXPK = {
  imme: true,
  freq: 869.525,
  rfch: 0,
  modu: 'LORA',
  datr: 'SF12BW125',
  codr: '4/5',
  size: 1,
  data: 'AQ==',
};

describe("parseSemtechPacket: the protocol documents' examples", () => {
  it("parses the protocol document's PUSH_DATA example with its three rxpk (LoRa, FSK, LoRa), every field", () => {
    const p = pushData(datagram(PUSH_HEADER, DOC_RXPK_EXAMPLE));
    expect(p).toMatchObject({ type: 'PUSH_DATA', version: 2, token: 0xa1b2, gatewayEui: 'aa555a0000000101' });
    expect(p.stat).toBeUndefined();
    expect(p.rxpk).toStrictEqual(DOC_RXPK_EXPECTED.map((rxpk) => ({ ok: true, rxpk })));
  });

  it("decodes the first example's data although it mixes the two base64 alphabets (- and +), unpadded", () => {
    const first = okRxpk(pushData(datagram(PUSH_HEADER, DOC_RXPK_EXAMPLE)).rxpk[0]);
    expect(first.data).toHaveLength(32);
    expect(toHex(first.data)).toBe('f834b808668309d1bee3c78934cdd56a2fb30e9b11ef53e7f423c0f6e08e37ce');
  });

  it("parses the document's stat example in a PUSH_DATA that has no rxpk", () => {
    const p = pushData(datagram(PUSH_HEADER, DOC_STAT_EXAMPLE));
    expect(p.rxpk).toStrictEqual([]);
    expect(p.stat).toStrictEqual({
      time: '2014-01-12 08:59:28 GMT',
      lati: 46.24,
      long: 3.2523,
      alti: 145,
      rxnb: 2,
      rxok: 2,
      rxfw: 2,
      ackr: 100,
      dwnb: 2,
      txnb: 2,
      temp: 23.2,
    });
  });

  it('accepts protocol version 1 (PROTOCOL.TXT): the rxpk example and the v1 stat example together', () => {
    const rxpk = DOC_RXPK_EXAMPLE.trim().replace(/\}$/, '');
    const v1Stat =
      '"stat":{"time":"2014-01-12 08:59:28 GMT","lati":46.24000,"long":3.25230,"alti":145,"rxnb":2,"rxok":2,"rxfw":2,"ackr":100.0,"dwnb":2,"txnb":2}}';
    const p = pushData(datagram('01 0000 00 0000000000000000', `${rxpk},${v1Stat}`));
    expect(p).toMatchObject({ version: 1, token: 0, gatewayEui: '0000000000000000' });
    expect(p.rxpk.map(okRxpk)).toStrictEqual(DOC_RXPK_EXPECTED);
    expect(p.stat).toStrictEqual({
      time: '2014-01-12 08:59:28 GMT',
      lati: 46.24,
      long: 3.2523,
      alti: 145,
      rxnb: 2,
      rxok: 2,
      rxfw: 2,
      ackr: 100,
      dwnb: 2,
      txnb: 2,
    });
  });

  it("parses the document's LoRa txpk example from a PULL_RESP", () => {
    const p = parse(datagram(PULL_RESP_HEADER, DOC_TXPK_LORA));
    expect(p).toStrictEqual({
      type: 'PULL_RESP',
      version: 2,
      token: 1,
      txpk: {
        imme: true,
        freq: 864.123456,
        rfch: 0,
        powe: 14,
        modu: 'LORA',
        datr: 'SF11BW125',
        codr: '4/6',
        ipol: false,
        data: hex(DOC_TXPK_PAYLOAD),
      },
    });
  });

  it("parses the document's FSK txpk example from a PULL_RESP, its datr a number of bit/s", () => {
    const p = parse(datagram(PULL_RESP_HEADER, DOC_TXPK_FSK));
    expect(p).toStrictEqual({
      type: 'PULL_RESP',
      version: 2,
      token: 1,
      txpk: {
        imme: true,
        freq: 861.3,
        rfch: 0,
        powe: 12,
        modu: 'FSK',
        datr: 50000,
        fdev: 3000,
        data: hex(DOC_TXPK_PAYLOAD),
      },
    });
  });

  it("reads the document's TX_ACK error example as COLLISION_PACKET and its TX_POWER warning example as success", () => {
    expect(parse(datagram(TX_ACK_HEADER, '{"txpk_ack":{\n\t"error":"COLLISION_PACKET"\n}}'))).toStrictEqual({
      type: 'TX_ACK',
      version: 2,
      token: 0x4c3d,
      gatewayEui: 'aa555a0000000101',
      error: 'COLLISION_PACKET',
    });
    expect(parse(datagram(TX_ACK_HEADER, '{"txpk_ack":{\n\t"warn":"TX_POWER",\n    "value":20\n}}'))).toMatchObject({
      type: 'TX_ACK',
      error: null,
    });
  });

  it('reads PUSH_ACK, PULL_DATA and PULL_ACK: version, big-endian token and the EUI in lower case', () => {
    expect(parse(hex('02 1234 01'))).toStrictEqual({ type: 'PUSH_ACK', version: 2, token: 0x1234 });
    expect(parse(hex('02 ffff 02 AA555A00000001FF'))).toStrictEqual({
      type: 'PULL_DATA',
      version: 2,
      token: 0xffff,
      gatewayEui: 'aa555a00000001ff',
    });
    expect(parse(hex('01 0100 04'))).toStrictEqual({ type: 'PULL_ACK', version: 1, token: 256 });
  });
});

describe('parseSemtechPacket: rxpk entries', () => {
  it('keeps the first rxpk when the second is bad, and reports the second as SEMTECH_BAD_RXPK naming its field', () => {
    const bad = { ...GOOD_RXPK, tmst: -5 };
    const p = pushData(datagram(PUSH_HEADER, JSON.stringify({ rxpk: [GOOD_RXPK, bad, { ...GOOD_RXPK, tmst: 7 }] })));
    expect(p.rxpk).toHaveLength(3);
    expect(okRxpk(p.rxpk[0])).toMatchObject({ tmst: 1000, size: 1 });
    expect(p.rxpk[1]).toStrictEqual({
      ok: false,
      code: 'SEMTECH_BAD_RXPK',
      field: 'rxpk.tmst',
      message: 'rxpk[1].tmst must be an integer in 0..4294967295 (µs), got -5',
    });
    expect(okRxpk(p.rxpk[2]).tmst).toBe(7);
  });

  it('refuses an rxpk entry that is not an object, keeping its neighbours', () => {
    const p = pushData(datagram(PUSH_HEADER, `{"rxpk":[null,${JSON.stringify(GOOD_RXPK)},"x"]}`));
    expect(p.rxpk.map((r) => r.ok)).toEqual([false, true, false]);
    expect(p.rxpk[0]).toMatchObject({ code: 'SEMTECH_BAD_RXPK', message: 'rxpk[0] must be an object, got null' });
  });

  it('takes tmst across the whole u32 range, where it wraps, and refuses values outside it', () => {
    for (const tmst of [0, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_fffe, 0xffff_ffff]) {
      expect(okRxpk(singleRxpk({ ...GOOD_RXPK, tmst })).tmst).toBe(tmst);
    }
    for (const tmst of [0x1_0000_0000, -1, 1.5, '1000', null]) {
      expect(singleRxpk({ ...GOOD_RXPK, tmst })).toMatchObject({
        ok: false,
        code: 'SEMTECH_BAD_RXPK',
        field: 'rxpk.tmst',
      });
    }
  });

  it('reads an FSK datr as a number of bit/s, and refuses a string FSK rate or a numeric LoRa rate', () => {
    const fsk = { ...GOOD_RXPK, modu: 'FSK', datr: 50000 };
    expect(okRxpk(singleRxpk(fsk))).toMatchObject({ modu: 'FSK', datr: 50000 });
    expect(singleRxpk({ ...fsk, datr: '50000' })).toMatchObject({ ok: false, field: 'rxpk.datr' });
    expect(singleRxpk({ ...fsk, datr: 0 })).toMatchObject({ ok: false, field: 'rxpk.datr' });
    expect(singleRxpk({ ...GOOD_RXPK, datr: 5470 })).toMatchObject({ ok: false, field: 'rxpk.datr' });
  });

  it('takes LoRa data rates SF5..SF12 at 125, 250 and 500 kHz and refuses any other', () => {
    for (const datr of ['SF5BW125', 'SF7BW250', 'SF12BW500', 'SF10BW125'])
      expect(okRxpk(singleRxpk({ ...GOOD_RXPK, datr })).datr).toBe(datr);
    for (const datr of ['SF4BW125', 'SF13BW125', 'SF7BW200', 'sf7bw125', 'SF7BW125 ', 'SF07BW125', 'SF12BW812', '']) {
      expect(singleRxpk({ ...GOOD_RXPK, datr })).toMatchObject({ ok: false, field: 'rxpk.datr' });
    }
    expect(singleRxpk({ ...GOOD_RXPK, modu: 'LR-FHSS' })).toMatchObject({ ok: false, field: 'rxpk.modu' });
  });

  it('takes stat 1, 0 and -1 (CRC ok, none, bad) and refuses anything else', () => {
    for (const stat of [1, 0, -1] as const) expect(okRxpk(singleRxpk({ ...GOOD_RXPK, stat })).stat).toBe(stat);
    for (const stat of [2, -2, true, '1'])
      expect(singleRxpk({ ...GOOD_RXPK, stat })).toMatchObject({ ok: false, field: 'rxpk.stat' });
  });

  it('leaves chan and rfch absent when the gateway omits them, rather than inventing channel 0', () => {
    const r = okRxpk(singleRxpk(GOOD_RXPK));
    expect('chan' in r).toBe(false);
    expect('rfch' in r).toBe(false);
    expect(singleRxpk({ ...GOOD_RXPK, chan: -1 })).toMatchObject({ ok: false, field: 'rxpk.chan' });
  });

  it('refuses an entry that lacks any one of tmst, freq, stat, modu, datr, rssi, size or data', () => {
    for (const key of ['tmst', 'freq', 'stat', 'modu', 'datr', 'rssi', 'size', 'data']) {
      const entry: Record<string, unknown> = { ...GOOD_RXPK };
      delete entry[key];
      expect(singleRxpk(entry)).toMatchObject({
        ok: false,
        code: 'SEMTECH_BAD_RXPK',
        field: `rxpk.${key}`,
        message: expect.stringContaining('is required'),
      });
    }
  });

  it('reads the optional rssis, lsnr, foff, codr and tmms, and ignores fields it does not know (mid, jver, rsig)', () => {
    const r = okRxpk(
      singleRxpk({
        ...GOOD_RXPK,
        rssis: -112,
        lsnr: -7.2,
        foff: -384,
        codr: '4/5',
        tmms: 1_300_000_000_123,
        mid: 8,
        jver: 1,
        rsig: [{ ant: 0 }],
      }),
    );
    expect(r).toStrictEqual({
      tmst: 1000,
      freq: 868.1,
      stat: 1,
      modu: 'LORA',
      datr: 'SF12BW125',
      codr: '4/5',
      rssi: -110,
      rssis: -112,
      lsnr: -7.2,
      foff: -384,
      tmms: 1_300_000_000_123,
      size: 1,
      data: hex('01'),
    });
  });

  it('refuses a size that disagrees with the decoded data', () => {
    expect(singleRxpk({ ...GOOD_RXPK, size: 2 })).toStrictEqual({
      ok: false,
      code: 'SEMTECH_BAD_RXPK',
      field: 'rxpk.size',
      message: 'rxpk[0].size 2 does not match the 1 bytes of rxpk[0].data',
    });
    expect(singleRxpk({ ...GOOD_RXPK, size: 256, data: Buffer.alloc(256).toString('base64') })).toMatchObject({
      ok: false,
      field: 'rxpk.size',
    });
  });

  it('refuses data that is not base64: foreign characters, whitespace, misplaced or excess padding, impossible length', () => {
    for (const data of [
      'AQ*=',
      'AQ =',
      ' AQ==',
      'AQ==\n',
      'A',
      'AQ=',
      'AQI==',
      'AQ==AQ==',
      'AQ===',
      '====',
      'AQID\u00e9',
    ]) {
      expect(singleRxpk({ ...GOOD_RXPK, data })).toMatchObject({
        ok: false,
        field: 'rxpk.data',
        message: expect.stringContaining('must be base64'),
      });
    }
    expect(singleRxpk({ ...GOOD_RXPK, data: 1 })).toMatchObject({ ok: false, field: 'rxpk.data' });
  });

  it('decodes both base64 alphabets, padded or not', () => {
    for (const data of ['-_8=', '+/8=', '-_8', '+/8'])
      expect(toHex(okRxpk(singleRxpk({ ...GOOD_RXPK, size: 2, data })).data)).toBe('fbff');
    expect(okRxpk(singleRxpk({ ...GOOD_RXPK, size: 0, data: '' })).data).toHaveLength(0);
  });

  it('reads time with 0 to 9 fraction digits or an offset, keeping the text, and refuses what is not a date', () => {
    const at = (time: string): RxpkResult => singleRxpk({ ...GOOD_RXPK, time });
    // A Kerlink iFemtoCell's rxpk time has no fraction (helium/semtech-udp issue 68).
    expect(okRxpk(at('2022-07-18T06:57:39Z'))).toMatchObject({ time: 1658127459000, timeIso: '2022-07-18T06:57:39Z' });
    expect(okRxpk(at('2013-03-31T18:21:17.5280029+02:00')).time).toBe(1364746877528);
    expect(okRxpk(at('2013-03-31T16:21:17.5Z')).time).toBe(1364746877500);
    expect(okRxpk(at('2024-02-29T00:00:00.000000Z')).time).toBe(1709164800000);
    for (const bad of [
      '2023-02-29T00:00:00Z',
      '2013-03-31 16:21:17Z',
      '2013-03-31T16:21:17',
      '2013-13-01T00:00:00Z',
      '2013-03-31T24:00:00Z',
      '1364746877',
      '2013-03-31T16:21:17.Z',
    ]) {
      expect(at(bad)).toMatchObject({ ok: false, field: 'rxpk.time' });
    }
  });

  it('parses a PUSH_DATA with an empty object or an empty rxpk array as no entries', () => {
    expect(pushData(datagram(PUSH_HEADER, '{}')).rxpk).toStrictEqual([]);
    expect(pushData(datagram(PUSH_HEADER, '{"rxpk":[]}')).rxpk).toStrictEqual([]);
  });
});

describe('parseSemtechPacket: TX_ACK', () => {
  it('treats a TX_ACK without JSON (the 12-byte header) as success: error null', () => {
    expect(parse(hex(TX_ACK_HEADER))).toStrictEqual({
      type: 'TX_ACK',
      version: 2,
      token: 0x4c3d,
      gatewayEui: 'aa555a0000000101',
      error: null,
    });
  });

  it('treats "NONE", an empty error, no error field and no txpk_ack object as success', () => {
    for (const json of ['{"txpk_ack":{"error":"NONE"}}', '{"txpk_ack":{"error":""}}', '{"txpk_ack":{}}', '{}']) {
      expect(parse(datagram(TX_ACK_HEADER, json))).toMatchObject({ type: 'TX_ACK', error: null });
    }
  });

  it('returns TOO_LATE for a TOO_LATE error, and each documented error by its name', () => {
    expect(parse(datagram(TX_ACK_HEADER, '{"txpk_ack":{"error":"TOO_LATE"}}'))).toMatchObject({ error: 'TOO_LATE' });
    for (const error of TX_ACK_ERRORS)
      expect(parse(datagram(TX_ACK_HEADER, JSON.stringify({ txpk_ack: { error } })))).toMatchObject({ error });
  });

  it('reads the TX_ACK a Kerlink gateway sent, its header followed by one NUL byte, as success', () => {
    // Raw bytes from helium/semtech-udp issue 68: version 2, token 0x8ba5, TX_ACK, EUI 7276ff00390300ae, 0x00.
    const bytes = Uint8Array.from([2, 139, 165, 5, 114, 118, 255, 0, 57, 3, 0, 174, 0]);
    expect(parse(bytes)).toStrictEqual({
      type: 'TX_ACK',
      version: 2,
      token: 0x8ba5,
      gatewayEui: '7276ff00390300ae',
      error: null,
    });
  });

  it('drops NUL terminators after a JSON object too', () => {
    expect(parse(datagram(`${TX_ACK_HEADER}`, '{"txpk_ack":{"error":"TX_FREQ"}}\u0000\u0000'))).toMatchObject({
      error: 'TX_FREQ',
    });
  });
});

describe('parseSemtechPacket: refusals', () => {
  it('refuses a datagram over 65,507 bytes as SEMTECH_TOO_LARGE before reading it', () => {
    const bytes = new Uint8Array(65_508);
    bytes.set(hex(PUSH_HEADER));
    expect(refusal(() => parse(bytes))).toMatchObject({
      code: 'SEMTECH_TOO_LARGE',
      message: 'datagram has 65508 bytes; UDP carries at most 65507',
    });
  });

  it('refuses a PUSH_DATA of more than 256 rxpk entries as SEMTECH_TOO_LARGE', () => {
    const entry = JSON.stringify({ ...GOOD_RXPK, size: 0, data: '' });
    expect(pushData(datagram(PUSH_HEADER, `{"rxpk":[${Array(256).fill(entry).join(',')}]}`)).rxpk).toHaveLength(256);
    expect(refusal(() => parse(datagram(PUSH_HEADER, `{"rxpk":[${Array(257).fill(entry).join(',')}]}`)))).toMatchObject(
      { code: 'SEMTECH_TOO_LARGE', field: 'rxpk' },
    );
  });

  it('refuses fewer than 4 bytes, and PUSH_DATA, PULL_DATA or TX_ACK without a whole EUI, as SEMTECH_TOO_SHORT', () => {
    for (const h of ['', '02', '02 1234']) expect(refusal(() => parse(hex(h))).code).toBe('SEMTECH_TOO_SHORT');
    for (const h of [
      '02 1234 00 aa555a00000001',
      '02 1234 02 aa555a00000001',
      '02 1234 05 aa555a00000001',
      '02 1234 00',
    ]) {
      expect(refusal(() => parse(hex(h)))).toMatchObject({
        code: 'SEMTECH_TOO_SHORT',
        message: expect.stringContaining('at least 12'),
      });
    }
  });

  it('refuses protocol version 3 (and 0) as SEMTECH_BAD_VERSION', () => {
    expect(refusal(() => parse(hex('03 1234 01')))).toMatchObject({
      code: 'SEMTECH_BAD_VERSION',
      message: 'protocol version 3 is not 1 or 2',
    });
    expect(refusal(() => parse(hex('00 1234 01'))).code).toBe('SEMTECH_BAD_VERSION');
  });

  it('refuses identifiers beyond 0x05 as SEMTECH_UNKNOWN_IDENTIFIER', () => {
    expect(refusal(() => parse(hex('02 1234 06')))).toMatchObject({
      code: 'SEMTECH_UNKNOWN_IDENTIFIER',
      message: 'identifier 0x06 is not a packet type (0x00..0x05)',
    });
    expect(refusal(() => parse(hex('02 1234 ff aa555a0000000101'))).code).toBe('SEMTECH_UNKNOWN_IDENTIFIER');
  });

  it('refuses bytes after a PUSH_ACK, PULL_ACK or PULL_DATA as SEMTECH_TRAILING_BYTES', () => {
    for (const h of ['02 1234 01 00', '02 1234 04 7b7d', '02 1234 02 aa555a0000000101 00']) {
      expect(refusal(() => parse(hex(h))).code).toBe('SEMTECH_TRAILING_BYTES');
    }
  });

  it('refuses a PUSH_DATA whose JSON is missing, not UTF-8, not JSON, not an object, or whose rxpk is not an array, as SEMTECH_BAD_JSON', () => {
    const cases: Uint8Array[] = [
      hex(PUSH_HEADER),
      hex(`${PUSH_HEADER} 0000`),
      hex(`${PUSH_HEADER} 7b22 ff 223a317d`), // {"\xff":1}
      datagram(PUSH_HEADER, '{"rxpk":['),
      datagram(PUSH_HEADER, '[]'),
      datagram(PUSH_HEADER, 'null'),
      datagram(PUSH_HEADER, '{"rxpk":{}}'),
      datagram(PULL_RESP_HEADER, ''),
      datagram(TX_ACK_HEADER, '"NONE"'),
    ];
    for (const bytes of cases) expect(refusal(() => parse(bytes)).code).toBe('SEMTECH_BAD_JSON');
  });

  it('refuses a PUSH_DATA whose stat is not an object or has a field of the wrong type as SEMTECH_BAD_STAT', () => {
    expect(refusal(() => parse(datagram(PUSH_HEADER, '{"stat":"ok"}')))).toMatchObject({
      code: 'SEMTECH_BAD_STAT',
      field: 'stat',
    });
    expect(refusal(() => parse(datagram(PUSH_HEADER, '{"stat":{"lati":"46.24"}}')))).toMatchObject({
      code: 'SEMTECH_BAD_STAT',
      field: 'stat.lati',
      message: 'stat.lati must be a number, got "46.24"',
    });
    expect(refusal(() => parse(datagram(PUSH_HEADER, '{"stat":{"time":1}}'))).field).toBe('stat.time');
  });

  it('refuses a PULL_RESP txpk that lora_pkt_fwd would drop, as SEMTECH_BAD_TXPK naming the field', () => {
    const txpk = (fields: Record<string, unknown>): SemtechPacketError =>
      refusal(() => parse(datagram(PULL_RESP_HEADER, JSON.stringify({ txpk: fields }))));
    const without = (key: string): Record<string, unknown> =>
      Object.fromEntries(Object.entries(GOOD_TXPK).filter(([k]) => k !== key));
    expect(refusal(() => parse(datagram(PULL_RESP_HEADER, '{"rxpk":[]}')))).toMatchObject({
      code: 'SEMTECH_BAD_TXPK',
      field: 'txpk',
    });
    expect(txpk({ ...GOOD_TXPK, imme: false })).toMatchObject({
      code: 'SEMTECH_BAD_TXPK',
      message: 'txpk says neither when to send (imme true, tmst or tmms)',
    });
    for (const key of ['freq', 'rfch', 'modu', 'datr', 'codr', 'size', 'data'])
      expect(txpk(without(key))).toMatchObject({ code: 'SEMTECH_BAD_TXPK', field: `txpk.${key}` });
    expect(txpk({ ...GOOD_TXPK, modu: 'FSK', datr: 50000 })).toMatchObject({ field: 'txpk.fdev' });
    expect(txpk({ ...GOOD_TXPK, codr: '4/9' })).toMatchObject({ field: 'txpk.codr' });
    expect(txpk({ ...GOOD_TXPK, size: 3 })).toMatchObject({ field: 'txpk.size' });
    expect(txpk({ ...GOOD_TXPK, ipol: 'true' })).toMatchObject({ field: 'txpk.ipol' });
    expect(refusal(() => parse(datagram(PULL_RESP_HEADER, '{"txpk":[]}')))).toMatchObject({
      code: 'SEMTECH_BAD_TXPK',
      field: 'txpk',
    });
  });

  it('accepts a txpk timed by tmst alone or tmms alone, and the coding-rate aliases 2/3 and 1/2', () => {
    const { imme: _imme, ...timed } = GOOD_TXPK;
    expect(
      parse(datagram(PULL_RESP_HEADER, JSON.stringify({ txpk: { ...timed, tmst: 4294967295, codr: '2/3' } }))),
    ).toMatchObject({ txpk: { tmst: 4294967295, codr: '2/3' } });
    expect(
      parse(datagram(PULL_RESP_HEADER, JSON.stringify({ txpk: { ...timed, tmms: 1_300_000_000_000, codr: '1/2' } }))),
    ).toMatchObject({ txpk: { tmms: 1_300_000_000_000 } });
  });

  it('refuses a TX_ACK error the protocol does not define, or a txpk_ack that is not an object, as SEMTECH_BAD_TX_ACK', () => {
    expect(refusal(() => parse(datagram(TX_ACK_HEADER, '{"txpk_ack":{"error":"TOO_LOUD"}}')))).toMatchObject({
      code: 'SEMTECH_BAD_TX_ACK',
      field: 'txpk_ack.error',
    });
    expect(refusal(() => parse(datagram(TX_ACK_HEADER, '{"txpk_ack":{"error":3}}'))).code).toBe('SEMTECH_BAD_TX_ACK');
    expect(refusal(() => parse(datagram(TX_ACK_HEADER, '{"txpk_ack":"NONE"}'))).code).toBe('SEMTECH_BAD_TX_ACK');
  });

  it('refuses JSON nested thousands deep in rxpk, stat or txpk without overflowing the stack', () => {
    const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    expect(pushData(datagram(PUSH_HEADER, `{"rxpk":[${deep}]}`)).rxpk[0]).toMatchObject({
      ok: false,
      message: 'rxpk[0] must be an object, got an array',
    });
    expect(refusal(() => parse(datagram(PUSH_HEADER, `{"stat":${deep}}`))).code).toBe('SEMTECH_BAD_STAT');
    expect(refusal(() => parse(datagram(PULL_RESP_HEADER, `{"txpk":{"imme":${deep}}}`))).code).toBe('SEMTECH_BAD_TXPK');
    expect(refusal(() => parse(datagram(TX_ACK_HEADER, `{"txpk_ack":{"error":${deep}}}`))).code).toBe(
      'SEMTECH_BAD_TX_ACK',
    );
    expect(refusal(() => parse(datagram(PUSH_HEADER, deep))).code).toBe('SEMTECH_BAD_JSON');
  });

  it('raises a TypeError, not a packet error, when given something other than bytes', () => {
    expect(() => parseSemtechPacket('02123401' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('encodeSemtechPacket', () => {
  const EUI = 'aa555a0000000101';

  it('writes the documented header bytes of each packet type', () => {
    expect(toHex(encodeSemtechPacket({ type: 'PUSH_ACK', version: 2, token: 0x1234 }))).toBe('02123401');
    expect(toHex(encodeSemtechPacket({ type: 'PULL_ACK', version: 1, token: 0xbeef }))).toBe('01beef04');
    expect(
      toHex(encodeSemtechPacket({ type: 'PULL_DATA', version: 2, token: 0x0102, gatewayEui: 'AA555A0000000101' })),
    ).toBe('02010202aa555a0000000101');
    expect(
      toHex(encodeSemtechPacket({ type: 'TX_ACK', version: 2, token: 0x4c3d, gatewayEui: EUI, error: null })),
    ).toBe('024c3d05aa555a0000000101');
    const tooLate = encodeSemtechPacket({
      type: 'TX_ACK',
      version: 2,
      token: 0x4c3d,
      gatewayEui: EUI,
      error: 'TOO_LATE',
    });
    expect(toHex(tooLate.subarray(0, 12))).toBe('024c3d05aa555a0000000101');
    expect(Buffer.from(tooLate.subarray(12)).toString()).toBe('{"txpk_ack":{"error":"TOO_LATE"}}');
  });

  it('writes a PULL_RESP with only the defined txpk fields, size taken from data, data in padded base64', () => {
    const txpk: Txpk = {
      imme: false,
      tmst: 3512348611 + 1_000_000,
      freq: 868.1,
      rfch: 0,
      powe: 14,
      modu: 'LORA',
      datr: 'SF7BW125',
      codr: '4/5',
      ipol: true,
      data: hex('60040302010000'),
      ncrc: true,
    };
    const bytes = encodeSemtechPacket({ type: 'PULL_RESP', version: 2, token: 7, txpk });
    expect(toHex(bytes.subarray(0, 4))).toBe('02000703');
    expect(Buffer.from(bytes.subarray(4)).toString()).toBe(
      '{"txpk":{"imme":false,"tmst":3513348611,"freq":868.1,"rfch":0,"powe":14,"modu":"LORA","datr":"SF7BW125","codr":"4/5","ipol":true,"size":7,"data":"YAQDAgEAAA==","ncrc":true}}',
    );
  });

  it("writes a PUSH_DATA the document's way, and writes time with microsecond digits when only Unix ms are given", () => {
    const rxpk: Rxpk = {
      time: 1364746877528,
      tmst: 3512348611,
      chan: 2,
      rfch: 0,
      freq: 866.349812,
      stat: 1,
      modu: 'LORA',
      datr: 'SF7BW125',
      codr: '4/6',
      rssi: -35,
      lsnr: 5.1,
      size: 1,
      data: hex('ff'),
    };
    const bytes = encodeSemtechPacket({
      type: 'PUSH_DATA',
      version: 2,
      token: 0xa1b2,
      gatewayEui: EUI,
      rxpk: [{ ok: true, rxpk }],
      stat: { rxnb: 1, temp: 23.2 },
    });
    expect(toHex(bytes.subarray(0, 12))).toBe('02a1b200aa555a0000000101');
    expect(Buffer.from(bytes.subarray(12)).toString()).toBe(
      '{"rxpk":[{"time":"2013-03-31T16:21:17.528000Z","tmst":3512348611,"chan":2,"rfch":0,"freq":866.349812,"stat":1,"modu":"LORA","datr":"SF7BW125","codr":"4/6","rssi":-35,"lsnr":5.1,"size":1,"data":"/w=="}],"stat":{"rxnb":1,"temp":23.2}}',
    );
  });

  it('gives back the parsed document example when re-encoding it', () => {
    const p = parse(datagram(PUSH_HEADER, DOC_RXPK_EXAMPLE));
    expect(parse(encodeSemtechPacket(p))).toStrictEqual(p);
  });
});

describe('every refusal code', () => {
  const EUI = 'aa555a0000000101';
  const rxpk: Rxpk = {
    tmst: 1,
    freq: 868.1,
    stat: 1,
    modu: 'LORA',
    datr: 'SF9BW125',
    rssi: -90,
    size: 0,
    data: new Uint8Array(0),
  };
  const REFUSALS: ReadonlyArray<readonly [SemtechErrorCode, () => unknown]> = [
    ['SEMTECH_TOO_SHORT', () => parse(hex('02'))],
    ['SEMTECH_TOO_LARGE', () => parse(new Uint8Array(70_000))],
    [
      'SEMTECH_TOO_LARGE',
      () =>
        encodeSemtechPacket({
          type: 'PUSH_DATA',
          version: 2,
          token: 0,
          gatewayEui: EUI,
          rxpk: Array(257).fill({ ok: true, rxpk }),
        }),
    ],
    [
      'SEMTECH_TOO_LARGE',
      () =>
        encodeSemtechPacket({
          type: 'PUSH_DATA',
          version: 2,
          token: 0,
          gatewayEui: EUI,
          rxpk: Array(256).fill({ ok: true, rxpk: { ...rxpk, size: 255, data: new Uint8Array(255) } }),
        }),
    ],
    ['SEMTECH_BAD_VERSION', () => parse(hex('03 0000 01'))],
    ['SEMTECH_BAD_VERSION', () => encodeSemtechPacket({ type: 'PUSH_ACK', version: 3 as 2, token: 0 })],
    ['SEMTECH_UNKNOWN_IDENTIFIER', () => parse(hex('02 0000 06'))],
    [
      'SEMTECH_UNKNOWN_IDENTIFIER',
      () => encodeSemtechPacket({ type: 'PUSH_NACK', version: 2, token: 0 } as unknown as SemtechPacket),
    ],
    ['SEMTECH_TRAILING_BYTES', () => parse(hex('02 0000 04 00'))],
    ['SEMTECH_BAD_HEADER', () => encodeSemtechPacket({ type: 'PUSH_ACK', version: 2, token: 65536 })],
    ['SEMTECH_BAD_HEADER', () => encodeSemtechPacket({ type: 'PUSH_ACK', version: 2, token: -1 })],
    [
      'SEMTECH_BAD_HEADER',
      () => encodeSemtechPacket({ type: 'PULL_DATA', version: 2, token: 0, gatewayEui: 'aa555a00000001' }),
    ],
    [
      'SEMTECH_BAD_HEADER',
      () => encodeSemtechPacket({ type: 'PULL_DATA', version: 2, token: 0, gatewayEui: 'aa555a000000010g' }),
    ],
    ['SEMTECH_BAD_JSON', () => parse(datagram(PUSH_HEADER, '{'))],
    [
      'SEMTECH_BAD_RXPK',
      () =>
        encodeSemtechPacket({
          type: 'PUSH_DATA',
          version: 2,
          token: 0,
          gatewayEui: EUI,
          rxpk: [{ ok: false, code: 'SEMTECH_BAD_RXPK', message: 'x' }],
        }),
    ],
    [
      'SEMTECH_BAD_RXPK',
      () =>
        encodeSemtechPacket({
          type: 'PUSH_DATA',
          version: 2,
          token: 0,
          gatewayEui: EUI,
          rxpk: [{ ok: true, rxpk: { ...rxpk, size: 3 } }],
        }),
    ],
    [
      'SEMTECH_BAD_RXPK',
      () =>
        encodeSemtechPacket({
          type: 'PUSH_DATA',
          version: 2,
          token: 0,
          gatewayEui: EUI,
          rxpk: [{ ok: true, rxpk: { ...rxpk, freq: Number.NaN } }],
        }),
    ],
    [
      'SEMTECH_BAD_RXPK',
      () =>
        encodeSemtechPacket({
          type: 'PUSH_DATA',
          version: 2,
          token: 0,
          gatewayEui: EUI,
          rxpk: [{ ok: true, rxpk: { ...rxpk, time: 1, timeIso: '2013-03-31T16:21:17Z' } }],
        }),
    ],
    ['SEMTECH_BAD_STAT', () => parse(datagram(PUSH_HEADER, '{"stat":[]}'))],
    [
      'SEMTECH_BAD_STAT',
      () =>
        encodeSemtechPacket({
          type: 'PUSH_DATA',
          version: 2,
          token: 0,
          gatewayEui: EUI,
          rxpk: [],
          stat: { temp: Number.POSITIVE_INFINITY },
        }),
    ],
    ['SEMTECH_BAD_TXPK', () => parse(datagram(PULL_RESP_HEADER, '{"txpk":{}}'))],
    [
      'SEMTECH_BAD_TXPK',
      () =>
        encodeSemtechPacket({
          type: 'PULL_RESP',
          version: 2,
          token: 0,
          txpk: { imme: true, freq: 869.525, rfch: 0, modu: 'LORA', datr: 'SF12BW125', data: new Uint8Array(1) },
        }),
    ],
    ['SEMTECH_BAD_TX_ACK', () => parse(datagram(TX_ACK_HEADER, '{"txpk_ack":{"error":"BUSY"}}'))],
    [
      'SEMTECH_BAD_TX_ACK',
      () => encodeSemtechPacket({ type: 'TX_ACK', version: 2, token: 0, gatewayEui: EUI, error: 'NONE' as 'TOO_LATE' }),
    ],
  ];

  it.each(REFUSALS.map(([code, f], i) => [i, code, f] as const))('case %i refuses with %s', (_i, code, f) => {
    const e = refusal(f);
    expect(e.code).toBe(code);
    expect(isSemtechPacketError(e)).toBe(true);
    expect(e.name).toBe('SemtechPacketError');
  });

  it('covers every code SemtechPacketError can carry', () => {
    expect(new Set(REFUSALS.map(([code]) => code))).toStrictEqual(new Set(SEMTECH_ERROR_CODES));
  });
});

describe('loraDataRate', () => {
  it('splits a LoRa datr into spreading factor and bandwidth in kHz, and answers undefined for anything else', () => {
    expect(loraDataRate('SF12BW125')).toStrictEqual({ spreadingFactor: 12, bandwidthKHz: 125 });
    expect(loraDataRate('SF5BW500')).toStrictEqual({ spreadingFactor: 5, bandwidthKHz: 500 });
    for (const datr of ['SF4BW125', 'SF7BW812', 'SF7', '50000', 'SF7BW125x'])
      expect(loraDataRate(datr)).toBeUndefined();
  });
});
