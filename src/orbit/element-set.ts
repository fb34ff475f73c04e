import type { EpochMs } from './units.js';

/**
 * One satellite's SGP4 mean elements, the common shape of every source (TLE, OMM, Walker design).
 * Angles in degrees, mean motion in revolutions per day, as TLE and OMM state them.
 */
export interface ElementSet {
  readonly name: string;
  readonly noradId: number;
  /** COSPAR designator as in TLE columns 10–17, e.g. "22057A"; empty when unknown. */
  readonly intlDesignator: string;
  readonly classification: 'U' | 'C' | 'S';
  readonly epoch: EpochMs;
  readonly meanMotionRevPerDay: number;
  readonly eccentricity: number;
  readonly inclinationDeg: number;
  readonly raanDeg: number;
  readonly argPerigeeDeg: number;
  readonly meanAnomalyDeg: number;
  /** SGP4 drag term, 1/earth radii. */
  readonly bstar: number;
  /** First derivative of mean motion / 2, rev/day². */
  readonly meanMotionDot: number;
  /** Second derivative of mean motion / 6, rev/day³. */
  readonly meanMotionDdot: number;
  readonly elementSetNo: number;
  readonly revAtEpoch: number;
  /**
   * The exact source lines when the set came from a TLE. SGP4 is then initialised from them
   * verbatim, so that results match every other TLE consumer bit for bit.
   */
  readonly tle?: { readonly line1: string; readonly line2: string };
}

/** A problem with one element set in a file; the rest of the file is still loaded. */
export interface ElementSetIssue {
  readonly code: 'TLE_MALFORMED' | 'TLE_CHECKSUM' | 'OMM_MALFORMED' | 'ELEMENT_SET_DECAYED';
  /** 1-based line number in the source text (TLE) or record index (OMM, 1-based). */
  readonly line: number;
  /** The satellite's name or catalog number when it could be read. */
  readonly satellite?: string;
  readonly message: string;
}

export interface ElementSetLoad {
  readonly sets: ElementSet[];
  readonly issues: ElementSetIssue[];
}
