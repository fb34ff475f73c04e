import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { resolveAdminKey, resolveMasterKey } from './secrets.js';
import { buildApp } from '../api/app.js';
import type { AccessLimits } from '../api/rate-limits.js';
import { MqttGateway } from '../api/mqtt-gateway.js';
import { Core } from '../core/core.js';
import type { Clock } from '../core/ports/clock.js';
import { FetchWebhookTransport } from '../integrations/fetch-webhook-transport.js';
import { MqttIntegrationPublisher } from '../integrations/mqtt-integration-publisher.js';
import { openStore } from '../store/open-store.js';
import { openBus } from '../bus/open-bus.js';
import { systemClock } from '../core/ports/clock.js';
import { createAuditLog, resolveAnomalyPolicy } from './audit-setup.js';
import { startSupervision } from '../supervision/supervision.js';

export interface RuntimeOptions {
  readonly port: number;
  readonly host: string;
  readonly data: string;
  /** `sqlite` or a postgres:// URL. */
  readonly store: string;
  /** `memory` or a nats:// URL. */
  readonly bus: string;
  readonly mqtt?: string;
  readonly allowInternalDelivery?: boolean;
  /** The core's clock (the twin's simulated one in `satiot demo`). */
  readonly clock?: Clock;
  readonly signInLinks?: boolean;
  /** Request log level (default `info`). */
  readonly logLevel?: string;
  /** Terminals a tenant registers wait for an operator's approval (docs/supervision.md); default off. */
  readonly registrationReview?: boolean;
  /** Rate limits and lock-out (src/api/rate-limits.ts; its defaults when absent). */
  readonly limits?: Partial<AccessLimits>;
}

/** A running service: core, HTTP app (listening), optional MQTT gateway and the periodic sweeps. */
export interface Runtime {
  readonly core: Core;
  readonly app: FastifyInstance;
  /** `http://host:port` */
  readonly address: string;
  readonly dataDir: string;
  /** The operator key made on the first start (print it once), if one was. */
  readonly generatedAdminKey?: string;
  /** One line naming what runs where. */
  readonly banner: string;
  close(): Promise<void>;
}

/** Opens store and bus, starts the core and the HTTP API (plus MQTT ingest when asked) and its sweeps. */
export async function startRuntime(o: RuntimeOptions): Promise<Runtime> {
  const dataDir = resolve(o.data);
  const admin = resolveAdminKey(dataDir);
  const vault = resolveMasterKey(dataDir);
  const store = await openStore(o.store, { dataDir });
  const bus = await openBus(o.bus);
  const allowInternal = o.allowInternalDelivery === true;
  // The tamper-evident audit log (docs/security.md): hash chain in the store, checkpoints signed with <data>/audit-signing.key.
  const audit = createAuditLog(store, dataDir, o.clock ?? systemClock);
  const anomalyPolicy = resolveAnomalyPolicy();
  const core = await Core.start({
    store, bus, vault, audit, ...(o.clock ? { clock: o.clock } : {}),
    registration: { reviewTenantRegistrations: o.registrationReview === true },
    delivery: { transport: new FetchWebhookTransport({ allowInternal }), publisher: new MqttIntegrationPublisher({ allowInternal }) },
  });
  const app = await buildApp({ logger: true, ...(o.logLevel ? { logLevel: o.logLevel } : {}), core, adminKeyHash: admin.hash, ...(o.signInLinks ? { signInLinks: true } : {}) , ...(o.limits ? { limits: o.limits } : {}) });
  const mqttGw = o.mqtt ? await MqttGateway.connect(o.mqtt, core) : undefined;
  // Anomaly detection and automatic responses, audit checkpoints and retention.
  const supervision = await startSupervision(core, audit, { policy: anomalyPolicy, onError: (e, what) => app.log.error({ err: e }, `${what} failed`) });
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
  const address = await app.listen({ port: o.port, host: o.host });
  let closed: Promise<void> | undefined;
  return {
    core, app, address, dataDir,
    ...(admin.generated ? { generatedAdminKey: admin.generated } : {}),
    banner: `satiot listening on ${address}   (store ${store.backend}, bus ${bus.kind}${mqttGw ? `, MQTT ${o.mqtt}` : ''}, data ${dataDir})`,
    close: () => (closed ??= (async () => {
      clearInterval(silence);
      clearInterval(downlinkSweep);
      await app.close();
      await app.auditIdle?.(); // records of the last requests reach the log before it flushes
      await mqttGw?.close();
      await supervision.stop();
      await core.close();
    })()),
  };
}

/** Runs `stop` once on the first SIGINT or SIGTERM, then exits 0. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (): void => {
    if (stopping) return;
    stopping = true;
    stop().then(() => process.exit(0), (e: unknown) => {
      process.stderr.write(`error INTERNAL: stopping failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
