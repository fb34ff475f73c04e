import type { Command } from 'commander';
import { parseChoice, parseHours, parseNumber, parseTime } from '../options.js';
import { runAction, warnToStderr } from '../run-action.js';
import { formatTable } from '../table.js';
import type { Pass } from '../../orbit/pass.js';

interface PassesOptions {
  tle?: string;
  walker?: string;
  altitudeKm?: string;
  sat?: string[];
  lat: string;
  lon: string;
  altM: string;
  start: string;
  hours: string;
  minElevation: string;
  format: string;
}

export function registerPasses(program: Command): void {
  program
    .command('passes')
    .description('Passes of satellites over a site: AOS, TCA, LOS, max elevation, AOS/LOS azimuths')
    .option('--tle <file>', 'element sets: TLE (2- or 3-line) or CelesTrak OMM JSON')
    .option('--walker <i:T/P/F>', 'a Walker-delta constellation instead of --tle (e.g. 53:24/3/1)')
    .option('--altitude-km <km>', 'altitude of the Walker constellation')
    .option('--sat <name|norad...>', 'only these satellites (name or catalog number; repeatable)')
    .requiredOption('--lat <deg>', 'site latitude, degrees north')
    .requiredOption('--lon <deg>', 'site longitude, degrees east')
    .option('--alt-m <m>', 'site altitude above the WGS84 ellipsoid, metres', '0')
    .requiredOption('--start <iso8601>', 'window start, e.g. 2026-01-15T00:00:00Z (UTC if no zone)')
    .requiredOption('--hours <h>', 'window length in hours (up to 744)')
    .option('--min-elevation <deg>', 'minimum elevation, degrees', '0')
    .option('--format <table|json>', 'output format', 'table')
    .addHelpText(
      'after',
      '\nExample:\n  satiot passes --tle sats.tle --lat 40 --lon 116.33 --start 2026-01-15T00:00:00Z ' +
        '--hours 24 --min-elevation 10\n',
    )
    .action(
      runAction(async (o: PassesOptions) => {
        const [{ loadConstellation }, { makeSite }, { findPassesForAll }, { passesToJson }] = await Promise.all([
          import('../load-satellites.js'),
          import('../../orbit/site.js'),
          import('../../orbit/pass-finder.js'),
          import('../../orbit/pass-json.js'),
        ]);
        const format = parseChoice(o.format, '--format', ['table', 'json'] as const);
        const start = parseTime(o.start);
        const hours = parseHours(o.hours, 744);
        const site = makeSite({
          latDeg: parseNumber(o.lat, '--lat', -90, 90),
          lonDeg: parseNumber(o.lon, '--lon', -180, 360),
          altM: parseNumber(o.altM, '--alt-m', -500, 100_000),
        });
        const minEl = parseNumber(o.minElevation, '--min-elevation', -5, 89);
        const sats = loadConstellation(
          { tle: o.tle, walker: o.walker, altitudeKm: o.altitudeKm, sat: o.sat },
          start,
          warnToStderr,
        );
        const passes = findPassesForAll(sats, { site, start, end: start + hours * 3_600_000, minElevationDeg: minEl });
        process.stdout.write(
          format === 'json' ? `${JSON.stringify(passesToJson(passes), null, 2)}\n` : passTable(passes),
        );
      }),
    );
}

function passTable(passes: readonly Pass[]): string {
  if (passes.length === 0) return 'no passes in the window\n';
  const t = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  return (
    formatTable(
      ['satellite', 'norad', 'AOS (UTC)', 'TCA (UTC)', 'LOS (UTC)', 'dur min', 'max el°', 'AOS az°', 'LOS az°', ''],
      passes.map((p) => [
        p.satellite.name,
        p.satellite.noradId,
        t(p.aos),
        t(p.tca),
        t(p.los),
        Number(((p.los - p.aos) / 60000).toFixed(1)),
        Number(p.maxElevationDeg.toFixed(1)),
        Number(p.aosAzimuthDeg.toFixed(0)),
        Number(p.losAzimuthDeg.toFixed(0)),
        p.truncated ? 'truncated' : '',
      ]),
    ) + `${passes.length} passes\n`
  );
}
