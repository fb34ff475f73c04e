/**
 * The error word (ERR) of an abnormal reply (control D6 = 1), one bit per reason. Bit meanings from
 * DL/T 645-2007 appendix C as listed in HslCommunication's DLTErrorInfoBit0..7 strings and the
 * Gb_dlt645_2007FrameDecoder javadoc table: bit0 other error, bit1 no requested data,
 * bit2 password error / unauthorised, bit3 baud rate cannot be changed, bit4 too many year time
 * zones, bit5 too many daily time periods, bit6 too many tariffs, bit7 reserved.
 */
export const DLT645_ERROR_BITS = [
  'other',
  'no-requested-data',
  'unauthorized',
  'baud-rate-unchangeable',
  'too-many-year-zones',
  'too-many-day-periods',
  'too-many-tariffs',
  'reserved',
] as const;

export type Dlt645ErrorName = (typeof DLT645_ERROR_BITS)[number];

/** The names of the bits set in `code`, lowest bit first. */
export function errorNames(code: number): Dlt645ErrorName[] {
  return DLT645_ERROR_BITS.filter((_, bit) => (code >> bit) & 1);
}

/** The error word with the named bits set. */
export function errorCode(names: readonly Dlt645ErrorName[]): number {
  return names.reduce((c, n) => c | (1 << DLT645_ERROR_BITS.indexOf(n)), 0);
}
