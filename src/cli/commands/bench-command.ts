import type { Command } from 'commander';
import { parseChoice, parseInteger, parseNumber, parseTime } from '../options.js';
import { runAction } from '../run-action.js';
import { formatTable } from '../table.js';
import type { IngestBenchResult } from '../bench/ingest-bench.js';
import type { ClusterBenchResult } from '../bench/cluster-bench.js';

interface IngestFlags {
  frames: string;
  terminals: string;
  store: string;
  bus: string;
  via: string;
  batch: string;
  clients: string;
  format: string;
  nodes?: string;
  baseline: boolean;
}

/** The load both `bench ingest` and `bench pipeline` put on the gateway: terminals, batch size, concurrent callers. */
function loadOptions(cmd: Command): Command {
  return cmd
    .option('--terminals <k>', 'registered terminals', '1000')
    .option('--batch <n>', 'frames per gateway batch', '1000')
    .option('--clients <n>', 'concurrent callers (stations posting at the same time)', '2');
}

function parseLoad(o: { terminals: string; batch: string; clients: string }): {
  terminals: number;
  batch: number;
  clients: number;
} {
  return {
    terminals: parseInteger(o.terminals, '--terminals', 1, 1_000_000),
    batch: parseInteger(o.batch, '--batch', 1, 5000),
    clients: parseInteger(o.clients, '--clients', 1, 64),
  };
}

/**
 * Runs `fn` on the bus `spec`; `nats-local` is a nats-server of the run's own, stopped after (on a shared server
 * earlier runs' durables would carry their backlog in).
 */
async function withBus<T>(spec: string, fn: (bus: string) => Promise<T>): Promise<T> {
  const nats = spec === 'nats-local' ? await (await import('../bench/private-nats.js')).PrivateNats.start() : undefined;
  try {
    return await fn(nats?.url ?? spec);
  } finally {
    await nats?.stop();
  }
}

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('Benchmarks of the running code paths');
  loadOptions(
    bench
      .command('ingest')
      .description('Push real encrypted frames (10 % duplicates, a few bad ones) through the full ingest pipeline')
      .option('--frames <n>', 'frames to push', '200000'),
  )
    .option('--store <spec>', 'sqlite (a temporary data dir) or postgres://… (use a scratch database)', 'sqlite')
    .option(
      '--bus <spec>',
      'memory, nats://… (a scratch server: its satiot-* durables are used), or nats-local (a nats-server of ' +
        "this run's own)",
      'memory',
    )
    .option(
      '--via <inproc|http|semtech-udp>',
      'call the pipeline directly, through the HTTP gateway API, or as --clients terrestrial gateways over ' +
        'Semtech UDP (16 rxpk a PUSH_DATA, 8 in flight each)',
      'inproc',
    )
    .option(
      '--nodes <n>',
      'start this many `satiot serve` processes on --store postgres://… and --bus nats://… and post to all ' +
        'of them over HTTP',
    )
    .option('--no-baseline', 'with --store postgres://…: skip the in-process SQLite run the ratio is measured against')
    .option('--format <table|json>', 'output format', 'table')
    .addHelpText(
      'after',
      `
Figures: frames/s while the load runs; the outbox's lag when it ends; how long the events then
take to catch up (every accepted message queued for the benchmark's webhook); each message's
ingested → webhook-queued latency (p50, p99). With --store postgres://… the same frames also run
in-process on SQLite first, and the ratio of the two is printed (docs/performance.md).

Examples:
  satiot bench ingest
  satiot bench ingest --store postgres://postgres@127.0.0.1:5432/test --bus nats-local --frames 100000
  satiot bench ingest --store postgres://postgres@127.0.0.1:5432/test --bus nats-local --nodes 2 --clients 4
`,
    )
    .action(
      runAction(async (o: IngestFlags) => {
        const [{ runIngestBench }, { runClusterBench }] = await Promise.all([
          import('../bench/ingest-bench.js'),
          import('../bench/cluster-bench.js'),
        ]);
        const progress = new (await import('../progress.js')).Progress();
        const common = { frames: parseInteger(o.frames, '--frames', 1000, 10_000_000), ...parseLoad(o) };
        const json = parseChoice(o.format, '--format', ['table', 'json'] as const) === 'json';
        const sqlite = o.store === 'sqlite';
        const baseline =
          !sqlite && o.baseline
            ? await runIngestBench({
                ...common,
                store: 'sqlite',
                bus: 'memory',
                via: 'inproc',
                onProgress: (d, t) => progress.update('sqlite baseline', d, t),
              })
            : undefined;
        const r = await withBus(o.bus, (bus): Promise<IngestBenchResult | ClusterBenchResult> =>
          o.nodes !== undefined
            ? runClusterBench({
                ...common,
                nodes: parseInteger(o.nodes, '--nodes', 1, 16),
                store: o.store,
                bus,
                onProgress: (d, t) => progress.update(`${o.nodes} node(s)`, d, t),
              })
            : runIngestBench({
                ...common,
                store: o.store,
                bus,
                via: parseChoice(o.via, '--via', ['inproc', 'http', 'semtech-udp'] as const),
                onProgress: (d, t) => progress.update('ingest', d, t),
              }),
        );
        progress.stop();
        const ratioToSqlite = baseline ? Number((r.framesPerSecond / baseline.framesPerSecond).toFixed(3)) : undefined;
        if (json) {
          process.stdout.write(
            `${JSON.stringify({ ...r, ...(baseline ? { baseline, ratioToSqlite } : {}) }, null, 2)}\n`,
          );
          return;
        }
        const rows: Array<[string, string | number]> = [
          ['frames/s (full pipeline)', r.framesPerSecond],
          ...('cryptoOnlyFramesPerSecond' in r
            ? ([
                ['frames/s (crypto only)', r.cryptoOnlyFramesPerSecond],
                ['ratio to crypto only', r.ratio],
              ] as Array<[string, number]>)
            : []),
          ...(baseline
            ? ([
                ['frames/s in-process on SQLite (same frames)', baseline.framesPerSecond],
                ['ratio to in-process SQLite', ratioToSqlite!],
              ] as Array<[string, number]>)
            : []),
          ['frames', r.frames],
          ['accepted', r.accepted],
          ['duplicates', r.duplicates],
          ['rejected', r.rejected],
          ['outbox lag at the end (events)', r.outboxLagAtEnd],
          r.queued >= r.accepted
            ? ['events caught up after (s)', r.drainSeconds]
            : [
                'events NOT caught up',
                `${r.queued} of ${r.accepted} messages queued ${r.drainSeconds} s after the load`,
              ],
          ['ingested → webhook queued p50 / p99 (ms)', `${r.queuedP50Ms} / ${r.queuedP99Ms}`],
          ...('deliveredP50Ms' in r
            ? ([['ingested → webhook delivered p50 / p99 (ms)', `${r.deliveredP50Ms} / ${r.deliveredP99Ms}`]] as Array<
                [string, string]
              >)
            : []),
          ['store / bus / via', `${r.store} / ${r.bus} / ${r.via}${'nodes' in r ? ` / ${r.nodes} node(s)` : ''}`],
          ['seconds', r.seconds],
        ];
        process.stdout.write(formatTable(['metric', 'value'], rows));
      }),
    );
  loadOptions(
    bench
      .command('pipeline')
      .description(
        'Real device payloads through ingest → decode → rules → signed webhooks to a local receiver, end to end',
      )
      .option('--messages <n>', 'distinct messages (about 5 % more frames: copies from a second satellite)', '100000'),
  )
    .option(
      '--codec <sl651|jt808>',
      "the terminals' protocol: SL 651 hydrological reports or JT/T 808 location reports",
      'sl651',
    )
    .option(
      '--rules <water|logistics|none>',
      'the solution preset the tenant switches on (default: the one for --codec)',
    )
    .option('--webhooks <n>', 'webhooks of the tenant, each wanting every decoded event and alarm', '1')
    .option('--store <spec>', 'sqlite (a temporary data dir) or postgres://… (a throwaway schema)', 'sqlite')
    .option(
      '--bus <spec>',
      "memory, nats://… (a scratch server), or nats-local (a nats-server of this run's own)",
      'memory',
    )
    .option('--timeout <s>', 'stop waiting for the deliveries this long after the load', '300')
    .option('--format <table|json>', 'output format', 'table')
    .addHelpText(
      'after',
      `
Figures: messages/s end to end — every accepted message decoded, through the rules, and its decoded
event answered by every webhook, over the whole run (load and catch-up); ingest's own frames/s in
the same run and the ratio; webhook requests/s; ingest acknowledged → delivered p50 / p99.
Target: ≥ 20,000 messages/s end to end on SQLite in-process (docs/performance.md).

Examples:
  satiot bench pipeline
  satiot bench pipeline --codec jt808 --webhooks 2 --format json
  satiot bench pipeline --store postgres://postgres@127.0.0.1:5432/test --bus nats-local --messages 50000
`,
    )
    .action(
      runAction(
        async (o: {
          messages: string;
          terminals: string;
          codec: string;
          rules?: string;
          webhooks: string;
          store: string;
          bus: string;
          batch: string;
          clients: string;
          timeout: string;
          format: string;
        }) => {
          const { runPipelineBench } = await import('../bench/pipeline-bench.js');
          const codec = parseChoice(o.codec, '--codec', ['sl651', 'jt808'] as const);
          const rules = parseChoice(o.rules ?? (codec === 'sl651' ? 'water' : 'logistics'), '--rules', [
            'water',
            'logistics',
            'none',
          ] as const);
          const json = parseChoice(o.format, '--format', ['table', 'json'] as const) === 'json';
          const progress = new (await import('../progress.js')).Progress();
          const r = await withBus(o.bus, (bus) =>
            runPipelineBench({
              messages: parseInteger(o.messages, '--messages', 1000, 10_000_000),
              ...parseLoad(o),
              codec,
              rules,
              webhooks: parseInteger(o.webhooks, '--webhooks', 1, 64),
              store: o.store,
              bus,
              timeoutSeconds: parseInteger(o.timeout, '--timeout', 1, 3600),
              onProgress: (p, d, t) => progress.update(p, d, t),
            }),
          );
          progress.stop();
          if (json) {
            process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
            return;
          }
          process.stdout.write(
            formatTable(
              ['metric', 'value'],
              [
                [
                  r.caughtUp ? 'messages/s end to end' : 'messages/s end to end (NOT caught up: delivered so far)',
                  r.messagesPerSecond,
                ],
                ['frames/s ingest (same run)', r.ingestFramesPerSecond],
                ['ratio end to end / ingest', r.ratioToIngest],
                ['webhook requests/s', r.deliveriesPerSecond],
                [
                  'ingested → delivered p50 / p99 / max (ms)',
                  `${r.deliveredP50Ms} / ${r.deliveredP99Ms} / ${r.deliveredMaxMs}`,
                ],
                ['seconds (load / whole run)', `${r.loadSeconds} / ${r.seconds}`],
                ['frames', r.frames],
                ['accepted / duplicates / rejected', `${r.accepted} / ${r.duplicates} / ${r.rejected}`],
                ['messages delivered to every webhook', r.delivered],
                ['decoded events received twice', r.repeatedDeliveries],
                ['decode errors', r.decodeErrors],
                ['alarm events delivered', r.alarms],
                ['codec / rules / webhooks', `${r.codec} / ${r.rules} / ${r.webhooks}`],
                ['store / bus', `${r.store} / ${r.bus}`],
              ],
            ),
          );
          if (!r.caughtUp) process.exitCode = 1;
        },
      ),
    );
  bench
    .command('provision')
    .description(
      'Register a fleet through the bulk API (JSON or CSV over HTTP, or in-process) under the registration ' +
        'policy and the audit chain',
    )
    .option('--terminals <n>', 'terminals registered in bulk', '100000')
    .option(
      '--via <inproc|json|csv>',
      "POST /api/v1/terminals/bulk (json), POST /api/v1/terminals/import (csv), or the core's call (inproc)",
      'json',
    )
    .option('--store <spec>', 'sqlite (a temporary data dir) or postgres://… (a throwaway schema)', 'sqlite')
    .option('--baseline <n>', 'terminals registered one request at a time first, for the ratio (0: skip)', '1000')
    .option('--format <table|json>', 'output format', 'table')
    .addHelpText(
      'after',
      `
Figures: terminals/s of the bulk request, end to end (the answer has one result per terminal);
the same for one POST /api/v1/terminals per terminal in the same run, and the ratio; the audit
records written (one per terminal). Target: 100,000 terminals in ≤ 10 s (docs/performance.md).

Examples:
  satiot bench provision
  satiot bench provision --via csv --terminals 100000
  satiot bench provision --store postgres://postgres@127.0.0.1:5432/test
`,
    )
    .action(
      runAction(async (o: { terminals: string; via: string; store: string; baseline: string; format: string }) => {
        const { runProvisionBench } = await import('../bench/provision-bench.js');
        const progress = new (await import('../progress.js')).Progress();
        const r = await runProvisionBench({
          terminals: parseInteger(o.terminals, '--terminals', 1, 100_000),
          via: parseChoice(o.via, '--via', ['inproc', 'json', 'csv'] as const),
          store: o.store,
          baseline: parseInteger(o.baseline, '--baseline', 0, 100_000),
          onProgress: (p, d, t) => progress.update(p, d, t),
        });
        progress.stop();
        if (parseChoice(o.format, '--format', ['table', 'json'] as const) === 'json') {
          process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
          return;
        }
        process.stdout.write(
          formatTable(
            ['metric', 'value'],
            [
              ['terminals/s (bulk)', r.terminalsPerSecond],
              ['seconds', r.seconds],
              ['terminals created', `${r.created} of ${r.terminals}`],
              ...(r.oneByOne
                ? ([
                    ['terminals/s one request each (same run)', r.oneByOne.terminalsPerSecond],
                    ['ratio bulk / one by one', r.ratioToOneByOne!],
                  ] as Array<[string, number]>)
                : []),
              ['audit records written', r.auditRecords],
              ['store / via', `${r.store} / ${r.via}`],
            ],
          ),
        );
      }),
    );
  bench
    .command('twin')
    .description(
      "The digital twin at scale: a Walker constellation, china-trial's fleets scaled up, every frame " +
        'ingested into SQLite (docs/twin.md)',
    )
    .option('--satellites <n>', 'satellites (Walker 53°, 550 km)', '100')
    .option('--terminals <n>', 'terminals', '100000')
    .option('--hours <h>', 'simulated hours', '24')
    .option('--messages-per-day <n>', 'scheduled reports per terminal per day (events add up to a quarter more)', '1')
    .option('--start <time>', 'start of the span (ISO 8601)', '2026-01-15T00:00:00Z')
    .option('--format <table|json>', 'output format', 'table')
    .action(
      runAction(
        async (o: {
          satellites: string;
          terminals: string;
          hours: string;
          messagesPerDay: string;
          start: string;
          format: string;
        }) => {
          const { runTwinBench } = await import('../bench/twin-bench.js');
          const progress = new (await import('../progress.js')).Progress();
          const r = await runTwinBench({
            satellites: parseInteger(o.satellites, '--satellites', 1, 2000),
            terminals: parseInteger(o.terminals, '--terminals', 1, 1_000_000),
            hours: parseNumber(o.hours, '--hours', 0.1, 24 * 7),
            messagesPerDay: parseNumber(o.messagesPerDay, '--messages-per-day', 0.1, 1440),
            start: parseTime(o.start),
            onProgress: (p, d, t) => progress.update(p, d, t),
          });
          progress.stop();
          if (parseChoice(o.format, '--format', ['table', 'json'] as const) === 'json') {
            process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
            return;
          }
          process.stdout.write(
            formatTable(
              ['metric', 'value'],
              Object.entries(r).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : v]),
            ),
          );
        },
      ),
    );
}
