import { describe, expect, it } from 'vitest';
import { tleChecksum } from '../../src/orbit/tle-checksum.js';
import { ISS_LINE1, ISS_LINE2, README_ISS_LINE1, README_ISS_LINE2 } from './helpers.js';

describe('tleChecksum', () => {
  it('matches the checksum digit of both corrected ISS lines', () => {
    expect(tleChecksum(ISS_LINE1)).toBe(Number(ISS_LINE1[68]));
    expect(tleChecksum(ISS_LINE2)).toBe(Number(ISS_LINE2[68]));
  });

  it('disagrees with the checksum digits printed in the satellite.js README example', () => {
    expect(tleChecksum(README_ISS_LINE1)).toBe(5);
    expect(README_ISS_LINE1[68]).toBe('6');
    expect(tleChecksum(README_ISS_LINE2)).toBe(6);
    expect(README_ISS_LINE2[68]).toBe('2');
  });

  it('counts digits by value, a minus sign as one and everything else as zero', () => {
    expect(tleChecksum('123')).toBe(6);
    expect(tleChecksum('-')).toBe(1);
    expect(tleChecksum('--')).toBe(2);
    expect(tleChecksum('+ .ABCxyz')).toBe(0);
    expect(tleChecksum('9999')).toBe(6); // 36 mod 10
  });

  it('ignores column 69 and beyond (the checksum digit itself)', () => {
    const body = '1'.padEnd(68, ' ');
    expect(tleChecksum(body)).toBe(1);
    expect(tleChecksum(`${body}9`)).toBe(1);
    expect(tleChecksum(`${body}99999`)).toBe(1);
  });
});
