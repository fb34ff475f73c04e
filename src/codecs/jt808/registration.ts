import { CodecError } from '../codec.js';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { decodeGbk, decodeGbkField, encodeGbk, encodeGbkField } from './gbk.js';
import type { Jt808Version } from './header.js';

/**
 * 0x0100 terminal registration. The three editions differ only in three fixed widths, and 2011 uses
 * the 2013 header, so the body length is what tells 2011 from 2013.
 */
export type RegistrationLayout = 2011 | 2013 | 2019;

/** Widths of maker id, terminal model and terminal id; the fixed part is 2+2+maker+model+id+1. */
const WIDTHS: Record<RegistrationLayout, { maker: number; model: number; id: number }> = {
  2011: { maker: 5, model: 8, id: 7 },
  2013: { maker: 5, model: 20, id: 7 },
  2019: { maker: 11, model: 30, id: 30 },
};

/** Bytes before the plate: 25 (2011), 37 (2013), 76 (2019). */
export function registrationFixedLength(layout: RegistrationLayout): number {
  const w = WIDTHS[layout];
  return 2 + 2 + w.maker + w.model + w.id + 1;
}

export type Registration = {
  /** Which edition's field widths the body was read with. */
  fieldLayout: RegistrationLayout;
  /** GB/T 2260 province code (first two digits of the administrative division). */
  provinceId: number;
  /** GB/T 2260 city/county code (last four digits). */
  cityId: number;
  makerId: string;
  terminalModel: string;
  terminalId: string;
  /** JT/T 415 colour code; 0 = not plated, and then `plate` carries the VIN. */
  plateColor: number;
  /** GBK, the rest of the body. */
  plate: string;
};

/**
 * The layout a body of this length is read with: the header's edition when the body is long enough
 * for it, else the longest older layout it fits. A 2013-header body shorter than 37 bytes is 2011.
 * (A 2011 body carrying a VIN of 12+ bytes is indistinguishable from 2013 and reads as 2013.)
 */
function layoutFor(version: Jt808Version, bodyLength: number): RegistrationLayout | undefined {
  const order: RegistrationLayout[] = version === 2019 ? [2019, 2013, 2011] : [2013, 2011];
  return order.find((l) => bodyLength >= registrationFixedLength(l));
}

export function decodeRegistrationBody(
  body: Uint8Array,
  version: Jt808Version,
  baseOffset: number,
  warnings: string[],
): Registration {
  const layout = layoutFor(version, body.length);
  if (layout === undefined) {
    throw new CodecError(
      'CODEC_MALFORMED',
      `0x0100 body is ${body.length} bytes; even the 2011 layout needs ${registrationFixedLength(2011)}`,
      baseOffset,
    );
  }
  if (version === 2019 && layout !== 2019)
    warnings.push(`0x0100 body too short for the 2019 layout; read with the ${layout} widths`);
  const w = WIDTHS[layout];
  const r = new ByteReader(body, '0x0100 body', baseOffset);
  return {
    fieldLayout: layout,
    provinceId: r.u16('province'),
    cityId: r.u16('city'),
    makerId: decodeGbkField(r.take(w.maker, 'maker id')),
    terminalModel: decodeGbkField(r.take(w.model, 'terminal model')),
    terminalId: decodeGbkField(r.take(w.id, 'terminal id')),
    plateColor: r.u8('plate colour'),
    plate: decodeGbk(trimNul(r.rest())),
  };
}

function trimNul(b: Uint8Array): Uint8Array {
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return b.subarray(0, end);
}

export type RegistrationInput = Omit<Registration, 'fieldLayout'> & {
  /** Default: 2019 for a 2019 header, else 2013. */
  fieldLayout?: RegistrationLayout;
};

/** The 0x0100 body: fixed fields padded with 0x00 at the end, as the spec says. */
export function encodeRegistrationBody(input: RegistrationInput, version: Jt808Version): Uint8Array {
  const layout = input.fieldLayout ?? (version === 2019 ? 2019 : 2013);
  const w = WIDTHS[layout];
  return new ByteWriter()
    .u16(input.provinceId, 'provinceId')
    .u16(input.cityId, 'cityId')
    .bytes(encodeGbkField(input.makerId, w.maker, 'makerId'))
    .bytes(encodeGbkField(input.terminalModel, w.model, 'terminalModel'))
    .bytes(encodeGbkField(input.terminalId, w.id, 'terminalId'))
    .u8(input.plateColor, 'plateColor')
    .bytes(encodeGbk(input.plate, 'plate'))
    .toBytes();
}
