/**
 * DL/T 645-2007 data identifiers (DI3 DI2 DI1 DI0, written most significant first: "00010000")
 * this codec turns into numbers. Formats follow 600888/dlt645 go/config/variable_types.json and the
 * standard's appendix A: energy XXXXXX.XX (4 bytes), voltage XXX.X (2), current XXX.XXX (3),
 * power XX.XXXX (3), power factor X.XXX (2), frequency XX.XX (2). A DI not described here decodes
 * to its raw bytes as hex.
 */

export interface DiFormat {
  /** Bytes per value on the wire. */
  readonly bytes: number;
  readonly decimals: number;
  /** Bit 7 of the most significant byte is the sign (see bcd.ts). */
  readonly signed: boolean;
}

export interface DiDefinition {
  /** 8 lower-case hex digits, DI3 first. */
  readonly di: string;
  readonly name: string;
  readonly unit: string | null;
  readonly format: DiFormat;
  /** A block DI (DI1 or DI2 = FF) carries several values: `count` of them, or any number when null. */
  readonly block: boolean;
  readonly count: number | null;
  /** The `values` key of the i-th value (0 for a single value). */
  keyAt(i: number): string;
}

const ENERGY: DiFormat = { bytes: 4, decimals: 2, signed: false };
/**
 * Combined active and combined reactive 1/2 energy can run negative; DL/T 645-2007 appendix A marks
 * their top bit as the sign (taken from the standard's note, not confirmed by a published frame;
 * it only matters above 799999.99).
 */
const SIGNED_ENERGY: DiFormat = { bytes: 4, decimals: 2, signed: true };

/** DI2 of the energy DIs (DI3 = 00). */
const ENERGY_KINDS: ReadonlyArray<readonly [number, string, string, string, DiFormat]> = [
  [0x00, 'combinedActiveEnergy', 'combined active energy', 'kWh', SIGNED_ENERGY],
  [0x01, 'forwardActiveEnergy', 'forward active energy', 'kWh', ENERGY],
  [0x02, 'reverseActiveEnergy', 'reverse active energy', 'kWh', ENERGY],
  [0x03, 'combinedReactive1Energy', 'combined reactive energy 1', 'kvarh', SIGNED_ENERGY],
  [0x04, 'combinedReactive2Energy', 'combined reactive energy 2', 'kvarh', SIGNED_ENERGY],
  [0x05, 'quadrant1ReactiveEnergy', 'quadrant I reactive energy', 'kvarh', ENERGY],
  [0x06, 'quadrant2ReactiveEnergy', 'quadrant II reactive energy', 'kvarh', ENERGY],
  [0x07, 'quadrant3ReactiveEnergy', 'quadrant III reactive energy', 'kvarh', ENERGY],
  [0x08, 'quadrant4ReactiveEnergy', 'quadrant IV reactive energy', 'kvarh', ENERGY],
  [0x09, 'forwardApparentEnergy', 'forward apparent energy', 'kVAh', ENERGY],
  [0x0a, 'reverseApparentEnergy', 'reverse apparent energy', 'kVAh', ENERGY],
];

/** Unit → the suffix of a `values` key, so every key names its unit (`forwardActiveEnergyKwh`). */
const UNIT_SUFFIX: Readonly<Record<string, string>> = {
  kWh: 'Kwh',
  kvarh: 'Kvarh',
  kVAh: 'Kvah',
  V: 'V',
  A: 'A',
  kW: 'Kw',
  kvar: 'Kvar',
  kVA: 'Kva',
  Hz: 'Hz',
  '°': 'Deg',
  '°C': 'C',
  min: 'Minutes',
};

const suffix = (unit: string | null): string => (unit === null ? '' : (UNIT_SUFFIX[unit] ?? ''));
const PHASES = ['A', 'B', 'C'] as const;

/** One variable (DI3 = 02) family: DI2, its DI1 members and their names. */
interface VariableFamily {
  readonly di2: number;
  /** 'total' at DI1 = 00 and/or phases A..C at DI1 = 01..03. */
  readonly hasTotal: boolean;
  readonly key: string;
  readonly name: string;
  readonly unit: string | null;
  readonly format: DiFormat;
}

const VARIABLES: readonly VariableFamily[] = [
  {
    di2: 0x01,
    hasTotal: false,
    key: 'Voltage',
    name: 'voltage',
    unit: 'V',
    format: { bytes: 2, decimals: 1, signed: false },
  },
  {
    di2: 0x02,
    hasTotal: false,
    key: 'Current',
    name: 'current',
    unit: 'A',
    format: { bytes: 3, decimals: 3, signed: true },
  },
  {
    di2: 0x03,
    hasTotal: true,
    key: 'ActivePower',
    name: 'instantaneous active power',
    unit: 'kW',
    format: { bytes: 3, decimals: 4, signed: true },
  },
  {
    di2: 0x04,
    hasTotal: true,
    key: 'ReactivePower',
    name: 'instantaneous reactive power',
    unit: 'kvar',
    format: { bytes: 3, decimals: 4, signed: true },
  },
  {
    di2: 0x05,
    hasTotal: true,
    key: 'ApparentPower',
    name: 'instantaneous apparent power',
    unit: 'kVA',
    format: { bytes: 3, decimals: 4, signed: true },
  },
  {
    di2: 0x06,
    hasTotal: true,
    key: 'PowerFactor',
    name: 'power factor',
    unit: null,
    format: { bytes: 2, decimals: 3, signed: true },
  },
  {
    di2: 0x07,
    hasTotal: false,
    key: 'Angle',
    name: 'phase angle',
    unit: '°',
    format: { bytes: 2, decimals: 1, signed: false },
  },
];

/** 02 80 00 xx: single variables (600888/dlt645 variable_types.json). */
const SPECIALS: ReadonlyArray<readonly [string, string, string, string | null, DiFormat]> = [
  ['02800001', 'neutralCurrent', 'neutral current', 'A', { bytes: 3, decimals: 3, signed: true }],
  ['02800002', 'frequency', 'grid frequency', 'Hz', { bytes: 2, decimals: 2, signed: false }],
  [
    '02800003',
    'activePowerAvg1min',
    'one-minute average total active power',
    'kW',
    { bytes: 3, decimals: 4, signed: true },
  ],
  ['02800004', 'activeDemand', 'current active demand', 'kW', { bytes: 3, decimals: 4, signed: true }],
  ['02800005', 'reactiveDemand', 'current reactive demand', 'kvar', { bytes: 3, decimals: 4, signed: true }],
  ['02800006', 'apparentDemand', 'current apparent demand', 'kVA', { bytes: 3, decimals: 4, signed: true }],
  ['02800007', 'meterTemperature', 'meter internal temperature', '°C', { bytes: 2, decimals: 1, signed: true }],
  ['02800008', 'clockBattery', 'clock battery voltage', 'V', { bytes: 2, decimals: 2, signed: false }],
  ['02800009', 'readingBattery', 'meter-reading battery voltage', 'V', { bytes: 2, decimals: 2, signed: false }],
  ['0280000a', 'batteryWorkingTime', 'internal battery working time', 'min', { bytes: 4, decimals: 0, signed: false }],
];

function single(di: string, key: string, name: string, unit: string | null, format: DiFormat): DiDefinition {
  return { di, name, unit, format, block: false, count: 1, keyAt: () => key };
}

function energy(di2: number, di1: number, di0: number): DiDefinition | undefined {
  const kind = ENERGY_KINDS.find((k) => k[0] === di2);
  if (!kind || di0 > 0x0c || (di1 > 0x3f && di1 !== 0xff)) return undefined;
  const [, key, name, unit, format] = kind;
  const settlement = di0 === 0 ? '' : `LastSettlement${di0}`;
  const settlementName = di0 === 0 ? '' : `, settlement ${di0} ago`;
  const keyFor = (tariff: number) => `${key}${tariff === 0 ? '' : `Tariff${tariff}`}${settlement}${suffix(unit)}`;
  const di = hex8(0, di2, di1, di0);
  if (di1 === 0xff)
    return {
      di,
      name: `${name}, total and tariffs${settlementName}`,
      unit,
      format,
      block: true,
      count: null,
      keyAt: keyFor,
    };
  return {
    di,
    name: `${name}, ${di1 === 0 ? 'total' : `tariff ${di1}`}${settlementName}`,
    unit,
    format,
    block: false,
    count: 1,
    keyAt: () => keyFor(di1),
  };
}

function variable(di2: number, di1: number, di0: number): DiDefinition | undefined {
  const f = VARIABLES.find((v) => v.di2 === di2);
  if (!f || di0 !== 0) return undefined;
  const members = f.hasTotal ? ['', ...PHASES] : [...PHASES];
  const keyOf = (m: string) => (m === '' ? lowerFirst(f.key) : `phase${m}${f.key}`) + suffix(f.unit);
  const di = hex8(2, di2, di1, 0);
  if (di1 === 0xff) {
    return {
      di,
      name: `${f.name}, ${f.hasTotal ? 'total and ' : ''}phases A–C`,
      unit: f.unit,
      format: f.format,
      block: true,
      count: members.length,
      keyAt: (i) => keyOf(members[i] ?? '?'),
    };
  }
  const member = di1 === 0 ? (f.hasTotal ? '' : undefined) : PHASES[di1 - 1];
  if (member === undefined) return undefined;
  return single(di, keyOf(member), `${member === '' ? 'total ' : `phase ${member} `}${f.name}`, f.unit, f.format);
}

/** The definition of a DI (8 hex digits, any case), or undefined when this table does not know it. */
export function lookupDi(di: string): DiDefinition | undefined {
  if (!/^[0-9a-fA-F]{8}$/.test(di)) return undefined;
  const lower = di.toLowerCase();
  const special = SPECIALS.find((s) => s[0] === lower);
  if (special) return single(special[0], special[1] + suffix(special[3]), special[2], special[3], special[4]);
  const [di3, di2, di1, di0] = [0, 2, 4, 6].map((i) => parseInt(lower.slice(i, i + 2), 16)) as [
    number,
    number,
    number,
    number,
  ];
  if (di3 === 0x00) return energy(di2, di1, di0);
  if (di3 === 0x02) return variable(di2, di1, di0);
  return undefined;
}

function hex8(...b: number[]): string {
  return b.map((x) => x.toString(16).padStart(2, '0')).join('');
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
