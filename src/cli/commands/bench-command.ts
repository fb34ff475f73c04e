import type { Command } from 'commander';
import { parseChoice, parseInteger } from '../options.js';
import { runAction } from '../run-action.js';
import { Progress } from '../progress.js';
import { formatTable } from '../table.js';
import { runIngestBench } from '../bench/ingest-bench.js';

interface IngestFlags { frames: string; terminals: string; store: string; bus: string; via: string; batch: string; clients: string; format: string }

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('Benchmarks of the running code paths');
  bench.command('ingest')
    .description('Push real encrypted frames (10 % duplicates, a few bad ones) through the full ingest pipeline')
    .option('--frames <n>', 'frames to push', '200000')
    .option('--terminals <k>', 'registered terminals', '1000')
    .option('--store <spec>', 'sqlite (a temporary data dir) or postgres://… (use a scratch database)', 'sqlite')
    .option('--bus <spec>', 'memory or nats://…', 'memory')
    .option('--via <inproc|http>', 'call the pipeline directly or through the HTTP gateway API', 'inproc')
    .option('--batch <n>', 'frames per gateway batch', '1000')
    .option('--clients <n>', 'concurrent callers (stations posting at the same time)', '2')
    .option('--format <table|json>', 'output format', 'table')
    .action(runAction(async (o: IngestFlags) => {
      const progress = new Progress();
      const r = await runIngestBench({
        frames: parseInteger(o.frames, '--frames', 1000, 10_000_000), terminals: parseInteger(o.terminals, '--terminals', 1, 1_000_000),
        store: o.store, bus: o.bus, via: parseChoice(o.via, '--via', ['inproc', 'http'] as const),
        batch: parseInteger(o.batch, '--batch', 1, 5000), clients: parseInteger(o.clients, '--clients', 1, 64),
        onProgress: (d, t) => progress.update('ingest', d, t),
      });
      progress.stop();
      if (parseChoice(o.format, '--format', ['table', 'json'] as const) === 'json') { process.stdout.write(`${JSON.stringify(r, null, 2)}\n`); return; }
      process.stdout.write(formatTable(['metric', 'value'], [
        ['frames/s (full pipeline)', r.framesPerSecond], ['frames/s (crypto only)', r.cryptoOnlyFramesPerSecond], ['ratio', r.ratio],
        ['frames', r.frames], ['accepted', r.accepted], ['duplicates', r.duplicates], ['rejected', r.rejected],
        ['store / bus / via', `${r.store} / ${r.bus} / ${r.via}`], ['seconds', r.seconds],
      ]));
    }));
}
