import { CodecError, fromHex, toHex } from '../codec.js';
import { bcdTimeToIso, isoToBeijingDigits } from './beijing-time.js';
import { toBcd } from './bcd.js';
import { parseElementId } from './element-ids.js';
import { sl651Element, sl651ElementByMnemonic, type Sl651ElementInfo } from './element-table.js';
import type { ElementBody } from './element-body.js';
import { decodeSeries, encodeSeries, seriesSize } from './element-values.js';
import type { Sl651BodyInput, Sl651ElementInput } from './report-input.js';
import { stationTypeByte, stationTypeCode } from './station-types.js';
import type { Sl651Element, Sl651Observation } from './types.js';

/**
 * ASCII-mode bodies. PROVISIONAL (no public golden frame): space-separated tokens
 *   serial(4 hex) sendTime(YYMMDDhhmmss) [ST station(10) type(1)] {TT YYMMDDhhmm {mnemonic value}}
 * Values are decimal text ('-' for negatives); the time step is DR + D/H/N (days, hours, minutes) + 2
 * digits; 5-minute series (DRP, DRZ1-8) and the ZT status are the HEX mode's bytes as hex text.
 * Manual data (RGZS) and pictures are not handled in this mode.
 */
const TIME_STEP = /^DR([DHN])(\d{2})$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const STEP_MINUTES: Record<string, number> = { D: 1440, H: 60, N: 1 };

export function asciiTokens(body: Uint8Array): string[] {
  return String.fromCharCode(...body)
    .split(' ')
    .filter((t) => t !== '');
}

/** Serial and send time: the first two tokens. */
export function decodeAsciiHead(tokens: readonly string[]): { serial: number; sentAt: string } {
  const [serial, sent] = tokens;
  if (serial === undefined || !/^[0-9A-Fa-f]{4}$/.test(serial))
    throw new CodecError('CODEC_MALFORMED', `ASCII serial ${serial ?? '(missing)'} is not 4 hex digits`);
  return { serial: parseInt(serial, 16), sentAt: digitsTime(sent, 12, 'send time') };
}

export function decodeAsciiElements(tokens: readonly string[], uniform: boolean): ElementBody {
  const body: ElementBody = { bodyStation: null, stationTypeCode: null, observations: [] };
  let group: Sl651Observation | null = null;
  const push = (e: Sl651Element): void => {
    if (!group) body.observations.push((group = { observedAt: null, elements: [] }));
    group.elements.push(e);
  };
  let i = 0;
  const next = (what: string): string => {
    const t = tokens[i++];
    if (t === undefined) throw new CodecError('CODEC_MALFORMED', `the ASCII body ends before ${what}`);
    return t;
  };
  let stepMin: number | null = null;
  while (i < tokens.length) {
    const tok = next('an identifier');
    if (tok === 'ST') {
      const station = next('the station address');
      const type = next('the station type');
      if (!/^[0-9A-Fa-f]{10}$/.test(station) || type.length !== 1)
        throw new CodecError(
          'CODEC_MALFORMED',
          `ST ${station} ${type} is not a 10-digit address and a one-letter type`,
        );
      body.bodyStation = station.toLowerCase();
      body.stationTypeCode = stationTypeCode(type.charCodeAt(0));
      stepMin = null;
      continue;
    }
    if (tok === 'TT') {
      group = { observedAt: digitsTime(next('the observation time'), 10, 'observation time'), elements: [] };
      body.observations.push(group);
      stepMin = null;
      continue;
    }
    const step = TIME_STEP.exec(tok);
    if (step) {
      const value = Number(step[2]) * STEP_MINUTES[step[1]!]!;
      push({ ...named(sl651Element(0x04)!), value });
      stepMin = uniform ? value : null;
      continue;
    }
    const info = sl651ElementByMnemonic(tok);
    const who = info ? named(info) : { id: null, key: tok, name: tok, unit: null };
    if (info?.kind === 'rainSeries' || info?.kind === 'levelSeries') {
      const text = next(`the series ${tok}`);
      if (text.length !== 2 * seriesSize(info.kind) || !/^[0-9A-Fa-f]*$/.test(text))
        throw new CodecError('CODEC_MALFORMED', `series ${tok} is not ${2 * seriesSize(info.kind)} hex characters`);
      push({ ...who, value: decodeSeries(info.kind, fromHex(text)), stepMin: 5 });
    } else if (info?.kind === 'bits') {
      const text = next(`the value of ${tok}`);
      push(
        /^[0-9A-Fa-f]{1,12}$/.test(text) ? { ...who, value: parseInt(text, 16) } : { ...who, value: null, raw: text },
      );
    } else if (stepMin !== null) {
      const values = tokens.slice(i).map((t) => number(t).value);
      i = tokens.length;
      if (values.length === 0) throw new CodecError('CODEC_MALFORMED', `uniform-interval element ${tok} has no values`);
      push({ ...who, value: values, stepMin });
    } else {
      push({ ...who, ...number(next(`the value of ${tok}`)) });
    }
    stepMin = null;
  }
  return body;
}

/** Tokens of an ASCII body: serial, send time, then the element groups. */
export function encodeAsciiBody(serial: number, sentAt: string, input: Sl651BodyInput, station: string): Uint8Array {
  if (!Number.isInteger(serial) || serial < 0 || serial > 0xffff)
    throw new CodecError('CODEC_MALFORMED', `cannot encode serial ${serial}: not 0-65535`);
  const tokens = [serial.toString(16).toUpperCase().padStart(4, '0'), isoToBeijingDigits(sentAt, 'send time')];
  if (input.stationTypeCode != null) {
    const type = stationTypeByte(input.stationTypeCode);
    const address = input.bodyStation ?? station;
    if (type === null || type <= 0x20 || type >= 0x7f)
      throw new CodecError(
        'CODEC_MALFORMED',
        `cannot encode station type ${input.stationTypeCode} as one printable character`,
      );
    if (!/^[0-9a-fA-F]{10}$/.test(address))
      throw new CodecError('CODEC_MALFORMED', `cannot encode body station ${address}: not 10 hex digits`);
    tokens.push('ST', address.toUpperCase(), String.fromCharCode(type));
  }
  const groups = input.observations ?? [];
  groups.forEach((g, gi) => {
    if (g.observedAt !== null) {
      const digits = isoToBeijingDigits(g.observedAt, 'observation time');
      if (!digits.endsWith('00'))
        throw new CodecError('CODEC_MALFORMED', `cannot encode observation time ${g.observedAt}: it has seconds`);
      tokens.push('TT', digits.slice(0, 10));
    } else if (gi > 0)
      throw new CodecError('CODEC_MALFORMED', 'cannot encode: only the first observation group may lack a time');
    for (const e of g.elements) tokens.push(...encodeAsciiElement(e));
  });
  return Uint8Array.from(tokens.join(' '), (c) => c.charCodeAt(0));
}

function encodeAsciiElement(e: Sl651ElementInput): string[] {
  const who = parseElementId(e.id);
  const info = who.info;
  const fail = (why: string): never => {
    throw new CodecError('CODEC_MALFORMED', `cannot encode element ${who.id} in ASCII mode: ${why}`);
  };
  if (!info) return fail('it has no mnemonic');
  const decimals = e.decimals ?? info.decimals;
  switch (info.kind) {
    case 'timeStep':
      return [timeStepToken(typeof e.value === 'number' ? e.value : fail('the time step is minutes'))];
    case 'rainSeries':
    case 'levelSeries':
      return [
        info.mnemonic,
        toHex(
          encodeSeries(info.kind, Array.isArray(e.value) ? e.value : fail('a series is an array'), info.mnemonic),
        ).toUpperCase(),
      ];
    case 'bits': {
      const v =
        typeof e.value === 'number' && Number.isInteger(e.value) && e.value >= 0 && e.value <= 0xffffffff
          ? e.value
          : fail('status bits are a 32-bit unsigned number');
      return [info.mnemonic, v.toString(16).toUpperCase().padStart(8, '0')];
    }
    case 'text':
    case 'raw':
      return fail('manual data and pictures are not handled in ASCII mode');
    default: {
      const values = Array.isArray(e.value) ? e.value : [e.value];
      return [
        info.mnemonic,
        ...values.map((v) =>
          typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < 1e15
            ? v.toFixed(decimals)
            : fail(`value ${String(v)} is not a finite number (ASCII mode has no invalid marker)`),
        ),
      ];
    }
  }
}

function timeStepToken(minutes: number): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  if (minutes > 0 && minutes % 1440 === 0 && minutes / 1440 <= 99) return 'DRD' + two(minutes / 1440);
  if (minutes > 0 && minutes % 60 === 0 && minutes / 60 <= 99) return 'DRH' + two(minutes / 60);
  if (Number.isInteger(minutes) && minutes >= 0 && minutes <= 99) return 'DRN' + two(minutes);
  throw new CodecError('CODEC_MALFORMED', `cannot encode time step ${minutes} min as DRD/DRH/DRN and two digits`);
}

function named(info: Sl651ElementInfo): Pick<Sl651Element, 'id' | 'key' | 'name' | 'unit'> {
  return { id: '0x' + info.id.toString(16).padStart(2, '0'), key: info.key, name: info.name, unit: info.unit };
}

function number(text: string): { value: number | null; decimals?: number; raw?: string } {
  const m = NUMBER.exec(text);
  if (!m) return { value: null, raw: text };
  const value = Number(text);
  return { value: value === 0 ? 0 : value, decimals: m[1] ? m[1].length - 1 : 0 };
}

function digitsTime(text: string | undefined, length: 10 | 12, what: string): string {
  if (text === undefined || text.length !== length || !/^\d+$/.test(text))
    throw new CodecError('CODEC_MALFORMED', `ASCII ${what} ${text ?? '(missing)'} is not ${length} digits`);
  return bcdTimeToIso(toBcd(text), what);
}
