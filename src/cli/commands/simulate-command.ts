import type { Command } from 'commander';
import { parseChoice, parseHours, parseNumber, parseTime } from '../options.js';
import { runAction } from '../run-action.js';
import { formatTable } from '../table.js';
import type { SimulationReport } from '../../twin/report/simulation-report.js';
import { SatiotError } from '../../errors/satiot-error.js';

interface SimulateFlags {
  scenario: string;
  hours?: string;
  speed: string;
  format: string;
  out?: string;
  compare?: string[];
  start?: string;
  plan: boolean;
}

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');

function textReport(reports: readonly SimulationReport[], labels: readonly string[]): string {
  const col = (get: (r: SimulationReport) => string | number) => reports.map(get);
  const rows: Array<Array<string | number>> = [
    ['terminals / satellites / stations', ...col((r) => `${r.terminals} / ${r.satellites} / ${r.groundStations}`)],
    ['simulated hours', ...col((r) => r.hours)],
    ['generated', ...col((r) => r.generated)],
    ['captured', ...col((r) => r.captured)],
    ['delivered', ...col((r) => r.delivered)],
    ['delivery ratio', ...col((r) => `${(r.deliveryRatio * 100).toFixed(1)} %`)],
    ['lost: collision', ...col((r) => r.lostCollision)],
    ['lost: buffer', ...col((r) => r.lostBuffer)],
    ['lost: link budget', ...col((r) => r.lostLink)],
    ['lost: no satellite (blind)', ...col((r) => r.lostNoSatellite)],
    ['in flight at end', ...col((r) => r.inFlight)],
    [
      'latency p50 / p95 / p99 min',
      ...col((r) => `${f2(r.latencyMin.p50)} / ${f2(r.latencyMin.p95)} / ${f2(r.latencyMin.p99)}`),
    ],
    [
      '  wait for satellite p50 / p95',
      ...col((r) => `${f2(r.hops.waitForSatellite.p50)} / ${f2(r.hops.waitForSatellite.p95)}`),
    ],
    ['  on board p50 / p95', ...col((r) => `${f2(r.hops.onBoard.p50)} / ${f2(r.hops.onBoard.p95)}`)],
    ['  ground → core p50 / p95', ...col((r) => `${f2(r.hops.groundToCore.p50)} / ${f2(r.hops.groundToCore.p95)}`)],
  ];
  for (const sector of ['water', 'power', 'logistics']) {
    if (!reports.some((r) => r.sectors[sector])) continue;
    rows.push([
      `${sector}: delivered / generated, p95 min`,
      ...col((r) => {
        const s = r.sectors[sector];
        return s ? `${s.delivered} / ${s.generated}, ${f2(s.latencyMin.p95)}` : '–';
      }),
    ]);
  }
  rows.push(
    [
      'downlinks queued / uploaded / sent / acked',
      ...col(
        (r) =>
          `${r.downlinks.queued} / ${r.downlinks.uploaded} / ${r.downlinks.transmitted} / ${r.downlinks.acknowledged}`,
      ),
    ],
    [
      'downlink ETA error p50 / p95 min',
      ...col((r) => `${f2(r.downlinks.etaErrorMin.p50)} / ${f2(r.downlinks.etaErrorMin.p95)}`),
    ],
    ['frames posted / duplicates / rejected', ...col((r) => `${r.framesPosted} / ${r.duplicates} / ${r.rejected}`)],
  );
  if (reports.some((r) => r.paths)) {
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    rows.push(
      ['terrestrial gateways', ...col((r) => r.paths?.terrestrialGateways ?? 0)],
      [
        'first copy by satellite / ground',
        ...col((r) =>
          r.paths
            ? `${r.paths.firstBy.satellite} (${pct(r.paths.share.satellite)}) ` +
              `/ ${r.paths.firstBy.terrestrial} (${pct(r.paths.share.terrestrial)})`
            : '–',
        ),
      ],
      [
        'carried by satellite / ground / both',
        ...col((r) =>
          r.paths
            ? `${r.paths.deliveredBy.satellite} / ${r.paths.deliveredBy.terrestrial} / ${r.paths.deliveredBy.both}`
            : '–',
        ),
      ],
      [
        '  satellite path p50 / p95 min',
        ...col((r) =>
          r.paths ? `${f2(r.paths.latencyMin.satellite.p50)} / ${f2(r.paths.latencyMin.satellite.p95)}` : '–',
        ),
      ],
      [
        '  ground path p50 / p95 min',
        ...col((r) =>
          r.paths ? `${f2(r.paths.latencyMin.terrestrial.p50)} / ${f2(r.paths.latencyMin.terrestrial.p95)}` : '–',
        ),
      ],
      [
        'ground copies forwarded / lost',
        ...col((r) => (r.paths ? `${r.paths.groundFrames} / ${r.paths.groundLost}` : '–')),
      ],
    );
  }
  if (reports.some((r) => r.plan)) {
    rows.push([
      'plan vs twin wait for satellite mean min',
      ...col((r) => (r.plan ? `${f2(r.plan.waitMeanMin)} vs ${f2(r.plan.twinWaitMeanMin)}` : '–')),
    ]);
    rows.push([
      'plan vs twin mean min (to station)',
      ...col((r) => (r.plan ? `${f2(r.plan.meanMin)} vs ${f2(r.plan.twinMeanMin)}` : '–')),
    ]);
    rows.push([
      'plan vs twin p95 min (to station)',
      ...col((r) => (r.plan ? `${f2(r.plan.p95Min)} vs ${f2(r.plan.twinP95Min)}` : '–')),
    ]);
  }
  rows.push(['wall seconds', ...col((r) => r.wallSeconds)]);
  return formatTable(['metric', ...labels], rows);
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description(
      'Run the digital twin on a scenario against an embedded core and report delivery, losses and latency ' +
        '(docs/twin.md)',
    )
    .option(
      '--scenario <name|file>',
      "built-in scenario ('china-trial'; 'china-mixed' adds terrestrial LoRa gateways beside the " +
        'satellites) or a YAML/JSON scenario file',
      'china-trial',
    )
    .option('--hours <h>', "simulated span (default: the scenario's)")
    .option('--start <time>', "start of the span, ISO 8601 (default: the scenario's, else now)")
    .option('--speed <max|N>', "'max' (as fast as possible) or simulated seconds per wall second", 'max')
    .option('--format <text|json>', 'output format', 'text')
    .option('--out <dir>', 'write report.json and the charts (SVG and PNG) into this folder')
    .option('--compare <scenarios...>', 'run two scenarios (names or files) side by side instead of --scenario')
    .option('--no-plan', 'skip the comparison with the analytic latency plan')
    .action(
      runAction(async (o: SimulateFlags) => {
        const [{ loadScenario }, { runSimulation }, { writeReportFiles }] = await Promise.all([
          import('../../twin/scenario/load-scenario.js'),
          import('../../twin/runtime/run-simulation.js'),
          import('../../twin/report/report-files.js'),
        ]);
        const format = parseChoice(o.format, '--format', ['text', 'json'] as const);
        const speed = o.speed === 'max' ? ('max' as const) : parseNumber(o.speed, '--speed', 1, 100_000);
        const hours = o.hours !== undefined ? parseHours(o.hours, 24 * 31) : undefined;
        const start = o.start !== undefined ? parseTime(o.start) : undefined;
        const names = o.compare ?? [o.scenario];
        if (o.compare && o.compare.length !== 2)
          throw new SatiotError('INVALID_ARGUMENT', '--compare takes exactly two scenarios');
        const scenarios = names.map((n) => loadScenario(n, start !== undefined ? { start } : {}));
        // Side by side on the same span unless one was given.
        const common = start ?? scenarios[0]!.start;
        const progress = new (await import('../progress.js')).Progress();
        const reports: SimulationReport[] = [];
        for (const [i, s] of scenarios.entries()) {
          reports.push(
            await runSimulation({
              scenario: { ...s, start: common },
              speed,
              comparePlan: o.plan,
              ...(hours !== undefined ? { hours } : {}),
              onProgress: (phase, d, t) =>
                progress.update(`${names.length > 1 ? `${i + 1}/${names.length} ` : ''}${phase}`, d, t),
            }),
          );
          progress.stop();
        }
        const labels = names.map((n, i) =>
          names.filter((x) => x === n).length > 1 ? `${n}#${i + 1}` : n.replace(/^.*\//, ''),
        );
        if (o.out) for (const p of writeReportFiles(o.out, reports, labels)) process.stderr.write(`wrote ${p}\n`);
        const strip = (r: SimulationReport) => {
          const { latencyCdf: _c, bufferOccupancy: _b, ...rest } = r;
          return rest;
        };
        if (format === 'json') {
          process.stdout.write(
            JSON.stringify(
              reports.length === 1
                ? strip(reports[0]!)
                : Object.fromEntries(reports.map((r, i) => [labels[i], strip(r)])),
              null,
              2,
            ) + '\n',
          );
          return;
        }
        process.stdout.write(textReport(reports, labels));
      }),
    );
}
