import { readFileSync } from 'node:fs';
import { buildConstellation } from '../orbit/constellation.js';
import type { Satellite } from '../orbit/satellite.js';
import { SatiotError } from '../errors/satiot-error.js';
import { parseNumber } from './options.js';

export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new SatiotError(
      'FILE_NOT_READABLE',
      `${what} ${path} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      { path },
    );
  }
}

export interface ConstellationFlags {
  tle?: string;
  walker?: string;
  altitudeKm?: string;
  raanSpread?: string;
  sat?: string[];
}

/** The satellites named by the CLI's `--tle FILE` or `--walker i:T/P/F --altitude-km KM`, and `--sat`. */
export function loadConstellation(flags: ConstellationFlags, epoch: number, warn: (line: string) => void): Satellite[] {
  if (flags.walker && flags.altitudeKm === undefined)
    throw new SatiotError('INVALID_ARGUMENT', '--walker needs --altitude-km');
  const altitudeKm = flags.walker ? parseNumber(flags.altitudeKm!, '--altitude-km', 150, 40_000) : NaN;
  return buildConstellation(
    {
      ...(flags.tle ? { elementSets: { text: readTextFile(flags.tle, 'element-set file'), source: flags.tle } } : {}),
      ...(flags.walker
        ? {
            walker: {
              design: flags.walker,
              altitudeKm,
              ...(flags.raanSpread !== undefined
                ? { raanSpreadDeg: parseNumber(flags.raanSpread, '--raan-spread', 0, 360) }
                : {}),
            },
          }
        : {}),
      ...(flags.sat ? { only: flags.sat } : {}),
    },
    epoch,
    warn,
  );
}
