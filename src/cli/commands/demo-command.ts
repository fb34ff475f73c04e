import { SatiotError } from '../../errors/satiot-error.js';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { parseInteger, parseNumber } from '../options.js';
import { runAction } from '../run-action.js';
import type { LiveTwin } from '../../twin/index.js';

interface DemoOptions {
  port: string;
  host: string;
  data: string;
  scenario: string;
  speed: string;
  status: boolean;
}

/**
 * `satiot demo` (what `npm start` runs): the service on the embedded default (SQLite in --data,
 * in-process bus) with the digital twin driving it through the Gateway API over HTTP, as real
 * ground stations would, on a simulated clock that the core runs on too.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Run the whole service on this machine: the server (SQLite, in-process bus) and the digital twin ' +
        'driving it at ×60',
    )
    .option('--port <n>', 'TCP port', process.env.PORT ?? '8080')
    .option('--host <addr>', 'listen address', process.env.HOST ?? '127.0.0.1')
    .option(
      '--data <dir>',
      "data directory (database, keys, the twin's progress); a second start resumes from it",
      process.env.SATIOT_DATA ?? './data',
    )
    .option(
      '--scenario <name|file>',
      'built-in scenario name (china-demo: china-trial with flood gauges) or a YAML/JSON scenario file',
      'china-demo',
    )
    .option('--speed <x>', 'simulated seconds per wall-clock second', '60')
    .option('--no-status', 'no periodic status line')
    .addHelpText(
      'after',
      `
The printed link signs the operator in on this machine: it holds a one-time token (in the URL
fragment, never sent in a request line) that the dashboard trades for an operator key. A used or
expired link (1 h) is worthless; restart to get a new one. The core's clock is the twin's simulated
clock: message times, ETAs and key expiries are in simulated time.

Example:
  npm start                       (= satiot demo)
  satiot demo --speed 600 --data /tmp/satiot-demo
`,
    )
    .action(
      runAction(async (o: DemoOptions) => {
        const [
          { startRuntime, stopOnSignals },
          { LiveTwin, createTwinClock, loadScenario, resumeStartAt, resumedScenario },
        ] = await Promise.all([import('../server-runtime.js'), import('../../twin/index.js')]);
        const port = parseInteger(o.port, '--port', 0, 65535);
        const speed = parseNumber(o.speed, '--speed', 1, 100_000);
        const dataDir = resolve(o.data);
        const scenario = loadScenario(o.scenario);
        // Terminals are numbered within their scenario: another scenario's twin in this folder would
        // send its frames under the first one's registrations.
        const held = resumedScenario(dataDir);
        if (held !== undefined && held !== scenario.name) {
          throw new SatiotError(
            'INVALID_ARGUMENT',
            `${o.data} holds the twin of scenario ${held}: resume it with --scenario ${held}, or ` +
              `start ${scenario.name} with a fresh --data folder`,
            { scenario: held },
          );
        }
        const resumed = resumeStartAt(dataDir);
        // Simulated time never goes back (frame counters derive from it): resume where the last run got to, or now if
        // later.
        const clock = createTwinClock(speed, Math.max(Date.now(), resumed ?? 0));
        // A scenario with terrestrial gateways gets a Semtech UDP port of its own (on the loopback) for them to forward
        // to.
        const mixed = scenario.terrestrialGateways.length > 0;
        const rt = await startRuntime({
          port,
          host: o.host,
          data: dataDir,
          store: 'sqlite',
          bus: 'memory',
          clock,
          signInLinks: true,
          logLevel: 'warn',
          ...(mixed ? { semtechUdp: 0 } : {}),
        });
        let twin: LiveTwin | undefined;
        let status: NodeJS.Timeout | undefined;
        stopOnSignals(async () => {
          if (status) clearInterval(status);
          process.stderr.write('stopping: ground stations post what they hold, then the service stops\n');
          await twin?.stop();
          await rt.close();
        });
        try {
          twin = await LiveTwin.start({
            scenario,
            core: rt.core,
            clock,
            gateway: 'http',
            baseUrl: rt.address,
            dataDir,
            ...(rt.semtechUdp
              ? {
                  semtechUdp: {
                    host: rt.semtechUdp.address.includes(':') ? '::1' : '127.0.0.1',
                    port: rt.semtechUdp.port,
                  },
                }
              : {}),
          });
        } catch (e) {
          await rt.close();
          throw e;
        }
        const link = `${rt.address}/#signin=${rt.app.signInLinks!.issue()}`;
        const lines = [
          rt.banner,
          `  twin     scenario ${scenario.name} at ` +
            `×${speed}${resumed !== undefined ? `, resumed at ${new Date(resumed).toISOString()} (simulated)` : ''}`,
          `  open     ${link}`,
          `           (signs the operator in on this machine, once; API reference ${rt.address}/api/docs)`,
        ];
        if (rt.generatedAdminKey) lines.push(`  operator key (shown once, keep it): ${rt.generatedAdminKey}`);
        lines.push('  Ctrl-C stops; starting again with the same --data resumes.');
        process.stderr.write(`${lines.join('\n')}\n`);
        if (o.status) {
          const t = twin;
          status = setInterval(() => process.stderr.write(`${statusLine(new Date(clock.now()), t.stats())}\n`), 15_000);
          status.unref();
        }
      }),
    );
}

function statusLine(now: Date, s: ReturnType<LiveTwin['stats']>): string {
  const rejected = Object.entries(s.rejectedCodes)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  return (
    `  ${now.toISOString().slice(0, 16).replace('T', ' ')} simulated · generated ${s.generated} · ` +
    `accepted ${s.accepted}` +
    ` (+${s.duplicates} copies via other satellites) · rejected ${s.rejected}${rejected ? ` (${rejected})` : ''}` +
    ` · downlinks queued ${s.downlinksQueued}, uploaded ${s.downlinksUploaded}, transmitted ${s.downlinksTransmitted}`
  );
}
