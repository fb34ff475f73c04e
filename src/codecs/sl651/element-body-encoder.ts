import { CodecError, fromHex } from '../codec.js';
import { isoToBcdTime } from './beijing-time.js';
import { parseElementId } from './element-ids.js';
import { standardSize } from './element-table.js';
import { encodeScalar, encodeSeries, type ScalarKind } from './element-values.js';
import type { Sl651BodyInput, Sl651ElementInput } from './report-input.js';
import { stationTypeByte } from './station-types.js';

/** Standard definition bytes of the series: 12 x 1 byte (0x60) and 12 x 2 bytes (0xC0). */
const RAIN_SERIES_DEF = 0x60;
const LEVEL_SERIES_DEF = 0xc0;

/** The HEX element part of a body (after serial and send time): F1F1 group, then F0F0 groups. */
export function encodeElementBody(input: Sl651BodyInput, station: string): number[] {
  const out: number[] = [];
  if (input.stationTypeCode != null) {
    const type = stationTypeByte(input.stationTypeCode);
    if (type === null)
      throw new CodecError(
        'CODEC_MALFORMED',
        `cannot encode station type ${input.stationTypeCode}: not a letter A-Z or 0xNN`,
      );
    const address = input.bodyStation ?? station;
    if (!/^[0-9a-fA-F]{10}$/.test(address))
      throw new CodecError('CODEC_MALFORMED', `cannot encode body station ${address}: not 10 hex digits`);
    out.push(0xf1, 0xf1, ...fromHex(address), type);
  }
  const groups = input.observations ?? [];
  groups.forEach((g, gi) => {
    if (g.observedAt !== null) out.push(0xf0, 0xf0, ...isoToBcdTime(g.observedAt, false, 'observation time'));
    else if (gi > 0)
      throw new CodecError(
        'CODEC_MALFORMED',
        'cannot encode: only the first observation group may lack a time (its elements would join the group before)',
      );
    g.elements.forEach((e, ei) => {
      const last = gi === groups.length - 1 && ei === g.elements.length - 1;
      out.push(...encodeElement(e, last));
    });
  });
  return out;
}

function encodeElement(e: Sl651ElementInput, last: boolean): number[] {
  const who = parseElementId(e.id);
  const kind = who.info?.kind;
  const what = `element ${who.id}`;
  const fail = (why: string): never => {
    throw new CodecError('CODEC_MALFORMED', `cannot encode ${what}: ${why}`);
  };
  if (kind === 'text' || kind === 'raw') {
    // F2/F3 run to the end of the body, so nothing may follow them.
    if (!last) fail('manual data and pictures run to the end of the body, so they come last');
    if (typeof e.value !== 'string') fail('the value is not a string');
    const text = e.value as string;
    if (kind === 'text' && !/^[\x20-\x7e]*$/.test(text)) fail('manual data is printable ASCII');
    return [...who.code, ...who.code, ...(kind === 'text' ? Array.from(text, (c) => c.charCodeAt(0)) : fromHex(text))];
  }
  if (kind === 'rainSeries' || kind === 'levelSeries') {
    if (!Array.isArray(e.value)) fail('a 5-minute series is an array of 12 values');
    return [
      ...who.code,
      kind === 'rainSeries' ? RAIN_SERIES_DEF : LEVEL_SERIES_DEF,
      ...encodeSeries(kind, e.value as (number | null)[], what),
    ];
  }
  const bytes = e.bytes ?? (who.info ? standardSize(who.info) : fail('an element the table lacks needs `bytes`'));
  const decimals = e.decimals ?? who.info?.decimals ?? 0;
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 31) fail(`bytes ${bytes} is not 1-31`);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 7) fail(`decimals ${decimals} is not 0-7`);
  const scalar: ScalarKind = kind === 'bits' || kind === 'timeStep' ? kind : 'bcd';
  const head = [...who.code, (bytes << 3) | decimals];
  if (Array.isArray(e.value)) {
    // A uniform-interval element: N values to the end of the body.
    if (!last) fail('the values of a uniform-interval element run to the end of the body, so it comes last');
    return [...head, ...e.value.flatMap((v) => [...encodeScalar(scalar, v, bytes, decimals, what)])];
  }
  if (typeof e.value === 'string') fail('the value is text, not a number');
  return [...head, ...encodeScalar(scalar, e.value as number | null, bytes, decimals, what)];
}
