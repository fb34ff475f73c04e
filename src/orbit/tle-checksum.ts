/** The TLE modulo-10 checksum of the first 68 columns: digits count their value, '-' counts one. */
export function tleChecksum(line: string): number {
  let sum = 0;
  const end = Math.min(68, line.length);
  for (let i = 0; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c >= 48 && c <= 57) sum += c - 48;
    else if (c === 45) sum += 1;
  }
  return sum % 10;
}
