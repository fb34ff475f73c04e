/**
 * A decoded field's name and value in words with its unit: codecs name fields with their unit as a
 * suffix (`waterLevelM`, `speedKmh`, `iceThicknessMm`, `lineTemperatureC`), so "waterLevelM 3.52"
 * reads "water level 3.52 m".
 */
const SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['MmPerM', 'mm/m'],
  ['MmPerMin', 'mm/min'],
  ['WPerM2', 'W/m²'],
  ['MgPerCm2', 'mg/cm²'],
  ['MPerS', 'm/s'],
  ['Mps', 'm/s'],
  ['Kmh', 'km/h'],
  ['Km', 'km'],
  ['Mm', 'mm'],
  ['Hz', 'Hz'],
  ['Hpa', 'hPa'],
  ['HPa', 'hPa'],
  ['Pct', '%'],
  ['Percent', '%'],
  ['Deg', '°'],
  ['Kwh', 'kWh'],
  ['KWh', 'kWh'],
  ['Kw', 'kW'],
  ['V', 'V'],
  ['A', 'A'],
  ['N', 'N'],
  ['C', '°C'],
  ['M', 'm'],
  ['S', 's'],
];

export function splitUnit(name: string): { label: string; unit: string } {
  const leaf = name.split('.').pop() ?? name;
  for (const [suffix, unit] of SUFFIXES) {
    // The suffix starts a new word (…LevelM, not …Ham) and leaves a name before it.
    if (
      leaf.length > suffix.length &&
      leaf.endsWith(suffix) &&
      /[a-z0-9]/.test(leaf[leaf.length - suffix.length - 1]!)
    ) {
      return { label: words(leaf.slice(0, -suffix.length)), unit };
    }
  }
  return { label: words(leaf), unit: '' };
}

const words = (camel: string): string =>
  camel
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();

/** "water level 3.52 m": at most 3 significant decimals. */
export function measurementText(name: string, value: number): string {
  const { label, unit } = splitUnit(name);
  const v = Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
  return `${label} ${v}${unit ? (unit === '%' || unit.startsWith('°') ? unit : ` ${unit}`) : ''}`;
}

/** A duration in words: "45 s", "12.5 min", "3.2 h". */
export function durationText(ms: number): string {
  const s = ms / 1000;
  return s < 120 ? `${Math.round(s)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`;
}
