import type { Command } from 'commander';
import { parseChoice, parseNumber, parseTime } from '../options.js';
import { runAction } from '../run-action.js';
import { generateWalker, parseWalker } from '../../orbit/walker.js';
import { toTleText } from '../../orbit/tle-format.js';
import { toOmm } from '../../orbit/omm-format.js';
import { epochMs } from '../../orbit/units.js';

interface WalkerOptions {
  walker: string;
  altitudeKm: string;
  format: string;
  epoch: string;
  raanSpread: string;
  raan0: string;
  firstNorad: string;
  name: string;
}

export function registerConstellation(program: Command): void {
  const c = program.command('constellation').description('Design constellations and export their element sets');
  c.command('walker')
    .description(
      'Walker-delta (or Walker-star) constellation as TLE or OMM JSON, propagated by the same SGP4 as catalogue sets',
    )
    .requiredOption('--walker <i:T/P/F>', 'inclination : total satellites / planes / phasing, e.g. 53:24/3/1')
    .requiredOption('--altitude-km <km>', 'circular orbit altitude above the WGS72 equator')
    .option('--format <tle|omm>', 'output format', 'tle')
    .option('--epoch <iso8601>', 'element-set epoch', 'now')
    .option('--raan-spread <deg>', 'RAAN spread over the planes: 360 Walker delta, 180 Walker star', '360')
    .option('--raan0 <deg>', 'RAAN of the first plane', '0')
    .option('--first-norad <n>', 'first synthetic catalog number', '90001')
    .option('--name <prefix>', 'satellite name prefix', 'WALKER')
    .addHelpText(
      'after',
      '\nExample:\n  satiot constellation walker --walker 86.4:66/6/2 --altitude-km 780 --epoch 2026-01-15 ' +
        '> iridium-like.tle\n',
    )
    .action(
      runAction((o: WalkerOptions) => {
        const format = parseChoice(o.format, '--format', ['tle', 'omm'] as const);
        const sets = generateWalker({
          ...parseWalker(o.walker),
          altitudeKm: parseNumber(o.altitudeKm, '--altitude-km', 150, 40_000),
          epoch: epochMs(parseTime(o.epoch, '--epoch')),
          raanSpreadDeg: parseNumber(o.raanSpread, '--raan-spread', 0, 360),
          raan0Deg: parseNumber(o.raan0, '--raan0', 0, 360),
          firstNoradId: parseNumber(o.firstNorad, '--first-norad', 1, 99_999),
          namePrefix: o.name,
        });
        process.stdout.write(format === 'tle' ? toTleText(sets) : `${JSON.stringify(sets.map(toOmm), null, 2)}\n`);
      }),
    );
}
