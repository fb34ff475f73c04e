import type { Command } from 'commander';
import { resolve } from 'node:path';
import { parseInteger } from '../options.js';
import { runAction } from '../run-action.js';
import { resolveAdminKey, resolveMasterKey } from '../secrets.js';
import { buildApp } from '../../api/app.js';
import { MqttGateway } from '../../api/mqtt-gateway.js';
import { Core } from '../../core/core.js';
import { FetchWebhookTransport } from '../../integrations/fetch-webhook-transport.js';
import { MqttIntegrationPublisher } from '../../integrations/mqtt-integration-publisher.js';
import { openStore } from '../../store/open-store.js';
import { openBus } from '../../bus/open-bus.js';

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
      const port = parseInteger(o.port, '--port', 0, 65535);
      const dataDir = resolve(o.data);
      const admin = resolveAdminKey(dataDir);
      const vault = resolveMasterKey(dataDir);
      const store = await openStore(o.store, { dataDir });
      const bus = await openBus(o.bus);
      const allowInternal = o.allowInternalDelivery === true;
      const core = await Core.start({ store, bus, vault, delivery: { transport: new FetchWebhookTransport({ allowInternal }), publisher: new MqttIntegrationPublisher({ allowInternal }) } });
      const app = await buildApp({ logger: true, core, adminKeyHash: admin.hash });
      const mqttGw = o.mqtt ? await MqttGateway.connect(o.mqtt, core) : undefined;
      // Silence rules are checked every 5 minutes; a failed sweep is logged and the next one tries again.
      const silence = setInterval(() => {
        core.rules.sweepSilence().catch((e: unknown) => app.log.error({ err: e }, 'silence sweep failed'));
      }, 5 * 60_000);
      silence.unref();
      // Downlinks: expire, re-plan missed contacts, route what is queued; every minute.
      const downlinkSweep = setInterval(() => {
        core.downlinks.sweep().catch((e: unknown) => app.log.error({ err: e }, 'downlink sweep failed'));
      }, 60_000);
      downlinkSweep.unref();
      let stopping = false;
      const stop = async (): Promise<void> => {
        if (stopping) return;
        stopping = true;
        clearInterval(silence);
        clearInterval(downlinkSweep);
        await app.close();
        await mqttGw?.close();
        await core.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      const address = await app.listen({ port, host: o.host });
      const lines = [
        `satiot listening on ${address}   (store ${store.backend}, bus ${bus.kind}${mqttGw ? `, MQTT ${o.mqtt}` : ''}, data ${dataDir})`,
        `  health   ${address}/healthz      API reference ${address}/api/docs      metrics ${address}/metrics`,
      ];
      if (admin.generated) lines.push(`  operator key (shown once, keep it): ${admin.generated}`);
      process.stderr.write(`${lines.join('\n')}\n`);
    }));
}
