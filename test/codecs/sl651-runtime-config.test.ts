/**
 * The centre's 0x42 command (change the runtime parameter table), as the decisions send it to switch
 * a station to intensive reporting. Its body is laid out as in the published 0x42 exchange: the
 * station's confirmation in the Fujian access rules' examples (wainshine/SL651
 * sl651-toolkit/examples/fujian_messages.txt), station 1000000006, password 04D2, serial 0157.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeSl651HexFrame, encodeSl651RuntimeConfig, sl651Crc16 } from '../../src/codecs/sl651/index.js';
import { isCodecError } from '../../src/codecs/codec.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const PUBLISHED_CONFIRMATION = '7E7E00100000000604D2420012020157221206140233F1F1100000000627081003E3177E';

describe('SL 651 runtime configuration command (0x42)', () => {
  it('lays the body out as the published exchange does: serial, send time, F1F1 station, identifier + definition 0x08 + one BCD byte', () => {
    // The station's published confirmation: its body holds parameter 0x27, definition 0x08, value 10.
    const published = decodeSl651HexFrame(hex(PUBLISHED_CONFIRMATION));
    expect(published).toMatchObject({
      direction: 'up',
      functionCode: 0x42,
      station: '1000000006',
      password: '04d2',
      endChar: 'ETX',
    });
    expect(Buffer.from(published.body).toString('hex')).toBe('0157221206140233f1f1100000000627' + '0810');

    // The centre's command to that station: added reports every 10 minutes, the same serial and time.
    const cmd = encodeSl651RuntimeConfig({
      centre: 0,
      station: '1000000006',
      password: '04D2',
      serial: 0x0157,
      sentAt: '2022-12-06T06:02:33Z',
      addReportMinutes: 10,
    });
    const head = hex(`7E7E 1000000006 00 04D2 42 8012 02 0157 221206140233 F1F1 1000000006 21 08 10 05`);
    expect(Buffer.from(cmd.subarray(0, head.length)).toString('hex')).toBe(Buffer.from(head).toString('hex'));
    const crc = sl651Crc16(head);
    expect([...cmd.subarray(head.length)]).toEqual([crc >> 8, crc & 0xff]);
    expect(decodeSl651HexFrame(cmd)).toMatchObject({
      direction: 'down',
      functionCode: 0x42,
      centre: 0,
      station: '1000000006',
      endChar: 'ENQ',
    });
  });

  it('writes the timed-report interval (0x20, hours) before the added-report interval (0x21, minutes)', () => {
    const cmd = encodeSl651RuntimeConfig({
      centre: 1,
      station: '0010000003',
      password: '1234',
      serial: 7,
      sentAt: '2026-12-06T00:00:00Z',
      timedReportHours: 1,
      addReportMinutes: 5,
    });
    const f = decodeSl651HexFrame(cmd);
    expect(Buffer.from(f.body).toString('hex')).toBe(
      '0007' + '261206080000' + 'f1f1' + '0010000003' + '200801' + '210805',
    );
  });

  it('refuses nothing to change, intervals out of range, a bad station or serial, with CODEC_MALFORMED', () => {
    const base = { centre: 1, station: '0010000003', password: '1234', serial: 7, sentAt: '2026-12-06T00:00:00Z' };
    for (const bad of [
      {},
      { addReportMinutes: 0 },
      { addReportMinutes: 60 },
      { timedReportHours: 25 },
      { addReportMinutes: 2.5 },
      { addReportMinutes: 5, station: 'xyz' },
      { addReportMinutes: 5, serial: 70_000 },
    ]) {
      let code = 'none';
      try {
        encodeSl651RuntimeConfig({ ...base, ...bad });
      } catch (e) {
        code = isCodecError(e) ? e.code : String(e);
      }
      expect(code, JSON.stringify(bad)).toBe('CODEC_MALFORMED');
    }
  });

  it('round-trips any valid command through the frame decoder', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.stringMatching(/^[0-9a-f]{10}$/),
        fc.integer({ min: 0, max: 0xffff }),
        fc.option(fc.integer({ min: 1, max: 24 }), { nil: undefined }),
        fc.integer({ min: 1, max: 59 }),
        (centre, station, serial, hours, minutes) => {
          const f = decodeSl651HexFrame(
            encodeSl651RuntimeConfig({
              centre,
              station,
              password: 'abcd',
              serial,
              sentAt: '2026-01-02T03:04:05Z',
              addReportMinutes: minutes,
              ...(hours ? { timedReportHours: hours } : {}),
            }),
          );
          expect(f).toMatchObject({ direction: 'down', centre, station, functionCode: 0x42, endChar: 'ENQ' });
          expect((f.body[0]! << 8) | f.body[1]!).toBe(serial);
          const tail = [...f.body.subarray(-3)];
          expect(tail).toEqual([0x21, 0x08, (Math.floor(minutes / 10) << 4) | (minutes % 10)]);
        },
      ),
    );
  });
});
