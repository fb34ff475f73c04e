import type { Command } from 'commander';
import { parseInteger } from '../options.js';
import { runAction } from '../run-action.js';
import { startRuntime, stopOnSignals } from '../server-runtime.js';

interface ServeOptions { port: string; host: string; data: string; store: string; bus: string; mqtt?: string; allowInternalDelivery?: boolean }

export function registerServe(program: Command): void {
  program.command('serve')
    .description('Run the platform: network core (gateway ingest, provisioning, messages) and the HTTP API')
    .option('--port <n>', 'TCP port', process.env.PORT ?? '8080')
    .option('--host <addr>', 'listen address', process.env.HOST ?? '127.0.0.1')
    .option('--data <dir>', 'data directory (SQLite database, generated keys)', process.env.SATIOT_DATA ?? './data')
    .option('--store <spec>', 'sqlite (embedded, in --data) or postgres://user@host:5432/db', process.env.SATIOT_STORE ?? 'sqlite')
    .option('--bus <spec>', 'memory (in-process) or nats://host:4222 (JetStream)', process.env.SATIOT_BUS ?? 'memory')
    .option('--mqtt <url>', 'also take gateway batches over MQTT from this broker (satiot/gateway/{stationId}/up)', process.env.SATIOT_MQTT)
    .option('--allow-internal-delivery', 'let webhooks and MQTT integrations reach internal addresses (an on-site receiver); refused by default')
    .addHelpText('after', `
Keys:
  SATIOT_ADMIN_KEY    operator key; without it one is generated on the first start, printed once,
                      and only its hash kept in <data>/admin-key.sha256
  SATIOT_MASTER_KEY   64 hex digits sealing terminal keys at rest; default <data>/master.key
                      (set it explicitly when several nodes share one PostgreSQL)

Example:
  satiot serve --port 8080 --data ./data
  satiot serve --store postgres://postgres@127.0.0.1:5432/test --bus nats://127.0.0.1:4222
`)
    .action(runAction(async (o: ServeOptions) => {
      const rt = await startRuntime({
        port: parseInteger(o.port, '--port', 0, 65535), host: o.host, data: o.data, store: o.store, bus: o.bus,
        ...(o.mqtt ? { mqtt: o.mqtt } : {}), allowInternalDelivery: o.allowInternalDelivery === true,
      });
      stopOnSignals(() => rt.close());
      const lines = [
        rt.banner,
        `  health   ${rt.address}/healthz      API reference ${rt.address}/api/docs      metrics ${rt.address}/metrics`,
      ];
      if (rt.generatedAdminKey) lines.push(`  operator key (shown once, keep it): ${rt.generatedAdminKey}`);
      process.stderr.write(`${lines.join('\n')}\n`);
    }));
}
