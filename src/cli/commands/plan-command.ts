import type { Command } from 'commander';
import { parseChoice, parseHours, parseInteger, parseNumber, parseTime } from '../options.js';
import { runAction, warnToStderr } from '../run-action.js';
import { formatTable } from '../table.js';
import { MAX_PLAN_HOURS } from '../../plan/limits.js';
import type { GroundStation } from '../../plan/ground-station.js';
import { SatiotError } from '../../errors/satiot-error.js';

interface PlanOptions {
  tle?: string;
  walker?: string;
  altitudeKm?: string;
  raanSpread?: string;
  sat?: string[];
  region: string;
  resolution: string;
  start: string;
  hours: string;
  format: string;
  out?: string;
  step: string;
  tailHours: string;
  workers?: string;
}
interface CoverageOptions extends PlanOptions {
  minElevation: string;
}
interface LatencyOptions extends PlanOptions {
  groundStations: string;
  uplinkMinElevation: string;
  downlinkMinElevation: string;
}

const r = (x: number, d = 2): number => (Number.isFinite(x) ? Number(x.toFixed(d)) : x);

function constellationFlags(c: Command): Command {
  return c
    .option('--tle <file>', 'element sets: TLE (2- or 3-line) or CelesTrak OMM JSON')
    .option('--walker <i:T/P/F>', 'Walker-delta design instead of --tle, e.g. 53:24/3/1')
    .option('--altitude-km <km>', 'altitude of the Walker design')
    .option('--raan-spread <deg>', 'Walker RAAN spread: 360 delta (default), 180 star')
    .option('--sat <name|norad...>', 'only these satellites')
    .requiredOption(
      '--region <r>',
      'preset (china, mongolia, indonesia, australia), bbox:minLon,minLat,maxLon,maxLat or a GeoJSON file',
    )
    .option('--resolution <n>', 'H3 resolution (0..10; 4 ≈ 1,800 km² cells, 5 ≈ 250 km²)', '4')
    .requiredOption('--start <iso8601>', 'window start (UTC if no zone)')
    .requiredOption('--hours <h>', `window length, hours (up to ${MAX_PLAN_HOURS})`)
    .option('--format <table|json>', 'output format', 'table')
    .option('--out <dir>', 'also write summary.json, cells.geojson and map.svg there')
    .option('--step <s>', 'ephemeris step, seconds (contact edges come from a cubic within each step)', '120')
    .option('--tail-hours <h>', 'search contacts this long past the window so late messages still get a wait', '12')
    .option('--workers <n>', 'worker threads (default: CPU cores)');
}

/** What the plan commands run, loaded when one runs (the CLI starts without the planner). */
async function planDeps() {
  const [sats, output, region, grid, planner, stations, progress] = await Promise.all([
    import('../load-satellites.js'),
    import('../plan-output.js'),
    import('../../report/region-loader.js'),
    import('../../plan/grid.js'),
    import('../../plan/planner.js'),
    import('../../plan/ground-station.js'),
    import('../progress.js'),
  ]);
  return { ...sats, ...output, ...region, ...grid, ...planner, ...stations, ...progress };
}
type PlanDeps = Awaited<ReturnType<typeof planDeps>>;

function common(o: PlanOptions, { loadConstellation, loadRegion, gridRegion, Progress }: PlanDeps) {
  const format = parseChoice(o.format, '--format', ['table', 'json'] as const);
  const start = parseTime(o.start);
  const hours = parseHours(o.hours, MAX_PLAN_HOURS);
  const resolution = parseInteger(o.resolution, '--resolution', 0, 10);
  const stepMs = parseNumber(o.step, '--step', 5, 300) * 1000;
  const tailHours = parseNumber(o.tailHours, '--tail-hours', 0, 168);
  const workers = o.workers === undefined ? undefined : parseInteger(o.workers, '--workers', 0, 64);
  const sats = loadConstellation(o, start, warnToStderr);
  const region = loadRegion(o.region);
  const grid = gridRegion(region, resolution);
  const progress = new Progress();
  return { format, start, hours, sats, region, grid, progress, stepMs, tailHours, workers };
}

export function registerPlan(program: Command): void {
  const plan = program
    .command('plan')
    .description('Coverage and store-and-forward latency over a region gridded with H3');

  constellationFlags(plan.command('coverage'))
    .description(
      'Share of time in view, revisit gaps, passes per day and wait for the next contact, per cell and for the region',
    )
    .option('--min-elevation <deg>', 'minimum elevation for a contact, degrees', '10')
    .addHelpText(
      'after',
      '\nExample:\n  satiot plan coverage --walker 53:24/3/1 --altitude-km 550 --region china --resolution ' +
        '4 --start 2026-01-15T00:00:00Z --hours 24 --out out/cov\n',
    )
    .action(
      runAction(async (o: CoverageOptions) => {
        const deps = await planDeps();
        const { planCoverage, writePlanOutput } = deps;
        const minEl = parseNumber(o.minElevation, '--min-elevation', -5, 89);
        const c = common(o, deps);
        const rep = await planCoverage({
          satellites: c.sats,
          grid: c.grid,
          start: c.start,
          hours: c.hours,
          minElevationDeg: minEl,
          stepMs: c.stepMs,
          tailHours: c.tailHours,
          ...(c.workers !== undefined ? { workers: c.workers } : {}),
          onProgress: (ph, d, t) => c.progress.update(ph, d, t),
        });
        c.progress.stop();
        const s = rep.summary;
        const summary = {
          cells: rep.cells,
          summary: {
            coverageFraction: r(s.coverageFraction, 4),
            meanRevisitGapMin: r(s.meanRevisitGapMin),
            maxRevisitGapMin: r(s.maxRevisitGapMin),
            meanWaitMin: r(s.meanWaitMin),
            p95WaitMin: r(s.p95WaitMin),
            passesPerDay: r(s.passesPerDay, 1),
          },
          parameters: {
            region: c.region.name,
            resolution: c.grid.resolution,
            satellites: c.sats.length,
            start: new Date(c.start).toISOString(),
            hours: c.hours,
            minElevationDeg: minEl,
          },
          stats: { ...rep.stats, seconds: r(rep.stats.seconds, 2) },
        };
        if (o.out) {
          const files = writePlanOutput(o.out, {
            summary,
            perCell: rep.perCell,
            grid: c.grid,
            region: c.region,
            metric: 'meanWaitMin',
            unit: 'min',
            title: `Mean wait for a satellite — ${c.region.name}`,
            subtitle:
              `${c.sats.length} satellites, ≥ ${minEl}° elevation, ${c.hours} h ` +
              `from ${new Date(c.start).toISOString()}, H3 res ${c.grid.resolution} (${rep.cells} cells); ` +
              `coverage ${(s.coverageFraction * 100).toFixed(1)} %`,
            highIsBad: true,
          });
          warnToStderr(`wrote ${files.join(', ')}`);
        }
        if (c.format === 'json') {
          process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          formatTable(
            ['metric', 'value'],
            [
              ['cells', rep.cells],
              ['coverage (time in view)', `${(s.coverageFraction * 100).toFixed(2)} %`],
              ['mean revisit gap', `${r(s.meanRevisitGapMin, 1)} min`],
              ['max revisit gap', `${r(s.maxRevisitGapMin, 1)} min`],
              ['mean wait for a contact', `${r(s.meanWaitMin, 1)} min`],
              ['P95 wait for a contact', `${r(s.p95WaitMin, 1)} min`],
              ['passes per day (all satellites)', r(s.passesPerDay, 1)],
              ['computed in', `${r(rep.stats.seconds, 1)} s`],
            ],
          ),
        );
      }),
    );

  constellationFlags(plan.command('latency'))
    .description('Store-and-forward latency from message creation to a ground station, per cell and for the region')
    .requiredOption(
      '--ground-stations <file|china>',
      'JSON [{"id","name","lat","lon","altM","minElevationDeg"}] or the preset china',
    )
    .option('--uplink-min-elevation <deg>', 'terminal → satellite minimum elevation, degrees', '10')
    .option(
      '--downlink-min-elevation <deg>',
      'satellite → ground station minimum elevation (stations without their own), degrees',
      '5',
    )
    .addHelpText(
      'after',
      '\nExample:\n  satiot plan latency --walker 53:24/3/1 --altitude-km 550 --region china --resolution 4 ' +
        '--ground-stations china --start 2026-01-15T00:00:00Z --hours 24\n',
    )
    .action(
      runAction(async (o: LatencyOptions) => {
        const deps = await planDeps();
        const { planLatency, writePlanOutput } = deps;
        const up = parseNumber(o.uplinkMinElevation, '--uplink-min-elevation', -5, 89);
        const down = parseNumber(o.downlinkMinElevation, '--downlink-min-elevation', -5, 89);
        const stations = loadStations(o.groundStations, down, deps);
        const c = common(o, deps);
        const rep = await planLatency({
          satellites: c.sats,
          grid: c.grid,
          start: c.start,
          hours: c.hours,
          groundStations: stations,
          uplinkMinElevationDeg: up,
          stepMs: c.stepMs,
          tailHours: c.tailHours,
          ...(c.workers !== undefined ? { workers: c.workers } : {}),
          onProgress: (ph, d, t) => c.progress.update(ph, d, t),
        });
        c.progress.stop();
        const s = rep.summary;
        const summary = {
          cells: rep.cells,
          summary: {
            meanMin: r(s.meanMin),
            p50Min: r(s.p50Min),
            p95Min: r(s.p95Min),
            maxMin: r(s.maxMin),
            uplinkWaitMeanMin: r(s.uplinkWaitMeanMin),
            groundWaitMeanMin: r(s.groundWaitMeanMin),
            undeliveredFraction: r(s.undeliveredFraction, 4),
          },
          parameters: {
            region: c.region.name,
            resolution: c.grid.resolution,
            satellites: c.sats.length,
            groundStations: stations.length,
            start: new Date(c.start).toISOString(),
            hours: c.hours,
            uplinkMinElevationDeg: up,
            downlinkMinElevationDeg: down,
          },
          stats: { ...rep.stats, seconds: r(rep.stats.seconds, 2) },
        };
        if (o.out) {
          const files = writePlanOutput(o.out, {
            summary,
            perCell: rep.perCell,
            grid: c.grid,
            region: c.region,
            metric: 'meanMin',
            unit: 'min',
            title: `Mean store-and-forward latency — ${c.region.name}`,
            subtitle:
              `${c.sats.length} satellites, ${stations.length} ground stations, uplink ≥ ${up}°, downlink ` +
              `≥ ${down}°, ${c.hours} h from ${new Date(c.start).toISOString()}, H3 res ${c.grid.resolution}`,
            highIsBad: true,
            stations,
          });
          warnToStderr(`wrote ${files.join(', ')}`);
        }
        if (c.format === 'json') {
          process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          formatTable(
            ['metric', 'value'],
            [
              ['cells', rep.cells],
              ['mean latency', `${r(s.meanMin, 1)} min`],
              ['P50 latency', `${r(s.p50Min, 1)} min`],
              ['P95 latency', `${r(s.p95Min, 1)} min`],
              ['max latency', `${r(s.maxMin, 1)} min`],
              ['  of which wait for uplink (mean)', `${r(s.uplinkWaitMeanMin, 1)} min`],
              ['  of which wait for ground (mean)', `${r(s.groundWaitMeanMin, 1)} min`],
              ['undelivered within horizon', `${(s.undeliveredFraction * 100).toFixed(2)} %`],
              ['computed in', `${r(rep.stats.seconds, 1)} s`],
            ],
          ),
        );
      }),
    );
}

function loadStations(
  spec: string,
  downMinEl: number,
  { CHINA_GROUND_STATIONS, parseGroundStations, readTextFile }: PlanDeps,
): GroundStation[] {
  if (spec === 'china') return CHINA_GROUND_STATIONS.map((s) => ({ ...s, minElevationDeg: downMinEl }));
  let json: unknown;
  try {
    json = JSON.parse(readTextFile(spec, 'ground-station file'));
  } catch (e) {
    if (e instanceof SatiotError) throw e;
    throw new SatiotError('GROUND_STATIONS_INVALID', `${spec} is not valid JSON: ${(e as Error).message}`);
  }
  return parseGroundStations(json, downMinEl);
}
