import { CodecError } from '../codec.js';
import { ByteWriter } from './byte-writer.js';
import { decodeGbk, decodeGbkField, encodeGbk, encodeGbkField } from './gbk.js';
import type { Jt808Version } from './header.js';

/**
 * 0x0102 terminal authentication. 2013: the auth code is the whole body. 2019: code length BYTE,
 * code, IMEI BYTE[15], software version BYTE[20] (both padded with 0x00).
 */
export type Authentication = {
  authCode: string;
  /** 2019 form only. */
  imei?: string;
  /** 2019 form only. */
  softwareVersion?: string;
};

const IMEI_LENGTH = 15;
const SOFTWARE_VERSION_LENGTH = 20;

/**
 * The 2019 form is used when the header is 2019 and the body is exactly that form's length; any other
 * body reads as the 2013 form (with a warning for a 2019 header), so odd terminals still authenticate.
 */
export function decodeAuthenticationBody(body: Uint8Array, version: Jt808Version, warnings: string[]): Authentication {
  if (version === 2019) {
    const n = body[0];
    if (n !== undefined && body.length === 1 + n + IMEI_LENGTH + SOFTWARE_VERSION_LENGTH) {
      return {
        authCode: decodeGbk(body.subarray(1, 1 + n)),
        imei: decodeGbkField(body.subarray(1 + n, 1 + n + IMEI_LENGTH)),
        softwareVersion: decodeGbkField(body.subarray(1 + n + IMEI_LENGTH)),
      };
    }
    warnings.push('0x0102 body does not have the 2019 layout (length, code, IMEI, version); read as the 2013 form');
  }
  return { authCode: decodeGbkField(body) };
}

export type AuthenticationInput = Authentication;

/** The 0x0102 body; a 2019 header needs imei and softwareVersion (empty strings are allowed). */
export function encodeAuthenticationBody(input: AuthenticationInput, version: Jt808Version): Uint8Array {
  const code = encodeGbk(input.authCode, 'authCode');
  if (version === 2013) return code;
  if (input.imei === undefined || input.softwareVersion === undefined) {
    throw new CodecError('CODEC_MALFORMED', 'a 2019 0x0102 body needs imei and softwareVersion');
  }
  return new ByteWriter()
    .u8(code.length, 'authCode length')
    .bytes(code)
    .bytes(encodeGbkField(input.imei, IMEI_LENGTH, 'imei'))
    .bytes(encodeGbkField(input.softwareVersion, SOFTWARE_VERSION_LENGTH, 'softwareVersion'))
    .toBytes();
}
