import type { Command } from 'commander';
import { parseInteger } from '../options.js';
import { runAction } from '../run-action.js';
import { buildApp } from '../../api/app.js';

interface ServeOptions { port: string; host: string }

export function registerServe(program: Command): void {
  program.command('serve')
    .description('Serve the HTTP API (planner: passes, coverage, latency, Walker designs)')
    .option('--port <n>', 'TCP port', process.env.PORT ?? '8080')
    .option('--host <addr>', 'listen address', process.env.HOST ?? '127.0.0.1')
    .action(runAction(async (o: ServeOptions) => {
      const port = parseInteger(o.port, '--port', 0, 65535);
      const app = await buildApp({ logger: true });
      const stop = async () => { await app.close(); process.exit(0); };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      const address = await app.listen({ port, host: o.host });
      process.stderr.write(`satiot API listening on ${address}  (try: curl ${address}/healthz)\n`);
    }));
}
