import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/codecs/codec.js';
import {
  buildSl651Reply,
  decodeSl651,
  sl651Codec,
  sl651Crc16,
  sl651ExpectsReply,
  type Sl651Message,
} from '../../src/codecs/sl651/index.js';
import { SL651_PUBLISHED } from './fixtures/sl651-published.js';

function ids(msg: Sl651Message): string[] {
  return (msg.observations ?? []).flatMap((g) => g.elements.map((e) => e.id ?? ''));
}

describe('SL 651 golden frames from public sources', () => {
  for (const f of SL651_PUBLISHED) {
    describe(f.name, () => {
      const msg = decodeSl651(fromHex(f.hex));

      it('decodes the values the source states', () => {
        expect(msg).toMatchObject({ protocol: 'sl651', mode: 'hex', ...f.expected });
        for (const id of f.expectedIds ?? []) expect(ids(msg)).toContain(id);
      });

      if (f.derived) {
        it('decodes the fields that follow from the standard', () => {
          expect(msg).toMatchObject(f.derived!);
        });
      }

      it('gives the same JSON through the PayloadCodec', () => {
        expect(sl651Codec.decode(fromHex(f.hex))).toEqual(JSON.parse(JSON.stringify(msg)));
      });

      const reply = f.reply;
      if (reply) {
        it('builds the published reply byte for byte, and decodes it as the matching downlink', () => {
          expect(sl651ExpectsReply(msg)).toBe(true);
          expect(toHex(buildSl651Reply(msg, reply.sentAt, reply.endChar))).toBe(reply.hex.toLowerCase());
          expect(decodeSl651(fromHex(reply.hex))).toEqual({
            protocol: 'sl651',
            mode: 'hex',
            functionCode: msg.functionCode,
            type: msg.type,
            direction: 'down',
            centre: msg.centre,
            station: msg.station,
            password: msg.password,
            endChar: reply.endChar,
            packet: null,
            serial: msg.serial,
            sentAt: reply.sentAt,
          });
        });
      }
    });
  }

  it('computes the CRC-16/MODBUS check value 0x4B37 over "123456789"', () => {
    expect(sl651Crc16(new TextEncoder().encode('123456789'))).toBe(0x4b37);
  });

  it('does not expect a reply to a link keep', () => {
    const linkKeep = SL651_PUBLISHED.find((f) => f.name.startsWith('S3'))!;
    expect(sl651ExpectsReply(decodeSl651(fromHex(linkKeep.hex)))).toBe(false);
  });
});
