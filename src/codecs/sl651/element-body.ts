import { CodecError, toHex } from '../codec.js';
import { bcdTimeToIso } from './beijing-time.js';
import type { ByteReader } from './byte-reader.js';
import { identityOf, type ElementIdentity } from './element-ids.js';
import { decodeScalar, decodeSeries, seriesSize, type ScalarKind } from './element-values.js';
import { stationTypeCode } from './station-types.js';
import type { Sl651Element, Sl651Observation } from './types.js';

/** What an element body holds after the serial and send time. */
export interface ElementBody {
  bodyStation: string | null;
  stationTypeCode: string | null;
  observations: Sl651Observation[];
}

const GUIDE_TIME = 0xf0; // F0 F0 + YYMMDDhhmm: the time of the elements after it
const GUIDE_STATION = 0xf1; // F1 F1 + station(5) + type(1)
const MANUAL = 0xf2; // F2 F2 + ASCII text to the end of the body
const PICTURE = 0xf3; // F3 F3 + picture bytes to the end of the body
const EXTENDED = 0xff; // FF + a second identifier byte

/**
 * Reads the element groups of a HEX body. Each F0F0 opens a new observation group (an hourly report
 * repeats it to time its series). In `uniform` mode (0x31, 0x38) the element after a time-step code
 * (04 18 DDHHMM) carries values of its size up to the end of the body, one a time step.
 */
export function decodeElementBody(r: ByteReader, uniform: boolean): ElementBody {
  const body: ElementBody = { bodyStation: null, stationTypeCode: null, observations: [] };
  let group: Sl651Observation | null = null;
  const push = (e: Sl651Element): void => {
    if (!group) body.observations.push((group = { observedAt: null, elements: [] }));
    group.elements.push(e);
  };
  let stepMin: number | null = null; // set right after a time step in uniform mode

  while (r.remaining > 0) {
    const at = r.pos;
    const first = r.u8('an element identifier');
    if (first === GUIDE_TIME || first === GUIDE_STATION || first === MANUAL || first === PICTURE) {
      if (r.u8('a guide') !== first)
        throw new CodecError(
          'CODEC_MALFORMED',
          `identifier 0x${first.toString(16)} is not doubled as its guide is`,
          at,
        );
      stepMin = null;
      if (first === GUIDE_TIME) {
        const timeAt = r.pos;
        group = {
          observedAt: bcdTimeToIso(r.take(5, 'the observation time'), 'observation time', timeAt),
          elements: [],
        };
        body.observations.push(group);
      } else if (first === GUIDE_STATION) {
        body.bodyStation = toHex(r.take(5, 'the station address'));
        body.stationTypeCode = stationTypeCode(r.u8('the station type'));
      } else {
        push(textOrRaw(identityOf([first]), r.rest()));
      }
      continue;
    }
    const who = identityOf(first === EXTENDED ? [first, r.u8('an extended identifier')] : [first]);
    const def = r.u8(`the data definition of ${who.id}`);
    const kind = who.info?.kind;
    if (kind === 'rainSeries' || kind === 'levelSeries') {
      // Fixed size whatever the definition byte says (Fujian sends F5 5C before 24 bytes).
      const value = decodeSeries(kind, r.take(seriesSize(kind), `the series ${who.id}`));
      push({ ...named(who), value, stepMin: 5 });
      stepMin = null;
      continue;
    }
    const bytes = def >> 3;
    const decimals = def & 0x07;
    if (bytes === 0)
      throw new CodecError(
        'CODEC_MALFORMED',
        `element ${who.id} has a zero-length data definition 0x${def.toString(16)}`,
        at,
      );
    const scalar: ScalarKind = kind === 'bits' || kind === 'timeStep' ? kind : 'bcd';
    if (stepMin !== null) {
      if (r.remaining === 0 || r.remaining % bytes !== 0)
        throw new CodecError(
          'CODEC_MALFORMED',
          `the ${r.remaining} bytes after ${who.id} are not whole ${bytes}-byte values`,
          r.pos,
        );
      const value: (number | null)[] = [];
      while (r.remaining > 0) value.push(decodeScalar(scalar, r.take(bytes, 'a value'), decimals).value);
      push({ ...named(who), value, bytes, decimals, stepMin });
      stepMin = null;
      continue;
    }
    const { value, raw } = decodeScalar(scalar, r.take(bytes, `the value of ${who.id}`), decimals);
    push({ ...named(who), value, bytes, decimals, ...(raw === undefined ? {} : { raw }) });
    stepMin = uniform && scalar === 'timeStep' && value !== null ? value : null;
  }
  return body;
}

function named(who: ElementIdentity): Pick<Sl651Element, 'id' | 'key' | 'name' | 'unit'> {
  return { id: who.id, key: who.key, name: who.name, unit: who.unit };
}

/** F2 manual data is text (null + raw hex when not printable ASCII); F3 picture bytes are hex. */
function textOrRaw(who: ElementIdentity, bytes: Uint8Array): Sl651Element {
  if (who.info?.kind !== 'text') return { ...named(who), value: toHex(bytes) };
  if (bytes.every((b) => b >= 0x20 && b < 0x7f)) return { ...named(who), value: String.fromCharCode(...bytes) };
  return { ...named(who), value: null, raw: toHex(bytes) };
}
