import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { resolveAdminKey, resolveMasterKey } from './secrets.js';
import { buildApp } from '../api/app.js';
import type { AccessLimits } from '../api/rate-limits.js';
import { MqttGateway } from '../api/mqtt-gateway.js';
import { SemtechUdpServer } from '../api/semtech-udp/semtech-udp-server.js';
import { DirectIpMoServer } from '../api/directip/directip-mo-server.js';
import { DirectIpMtClient } from '../api/directip/directip-mt-client.js';
import { augursEngine } from '../integrations/augurs-engine.js';
import type { LoRaRegion } from '../frame/regional/receive-windows.js';
import { Core, LEASES } from '../core/core.js';
import type { Clock } from '../core/ports/clock.js';
import { HttpWebhookTransport } from '../integrations/http-webhook-transport.js';
import { MqttIntegrationPublisher } from '../integrations/mqtt-integration-publisher.js';
import { openStore } from '../store/open-store.js';
import { openBus } from '../bus/open-bus.js';
import { systemClock } from '../core/ports/clock.js';
import { createAuditLog, resolveAnomalyPolicy } from './audit-setup.js';
import { startSupervision } from '../supervision/supervision.js';
import { keyWarning } from '../supervision/audit-trust.js';
import { deadLetterSink } from '../core/dead-letters.js';
import { isStoreUnavailable } from '../store/store-unavailable.js';
import type { RetryPolicy } from '../bus/retry-policy.js';
import type { MicThrottlePolicy } from '../core/mic-throttle.js';

export interface RuntimeOptions {
  readonly port: number;
  readonly host: string;
  readonly data: string;
  /** `sqlite` or a postgres:// URL. */
  readonly store: string;
  /** `memory` or a nats:// URL. */
  readonly bus: string;
  readonly mqtt?: string;
  /** The MQTT gateway's shared-subscription group (the same on every node of a cluster). */
  readonly mqttGroup?: string;
  /** UDP port for terrestrial LoRa gateways' Semtech packet forwarders (off when absent; `host` applies). */
  readonly semtechUdp?: number;
  /** Regional parameters of terrestrial downlinks (default CN470). */
  readonly region?: LoRaRegion;
  /** TCP port the Iridium gateway delivers MO sessions to over DirectIP (off when absent; `host` applies). */
  readonly directIpMo?: number;
  /** Addresses and CIDR blocks allowed to deliver MO sessions (default the loopback). */
  readonly directIpAllow?: readonly string[];
  /** The Iridium gateway's MT DirectIP endpoint (off when absent). */
  readonly directIpMt?: { readonly host: string; readonly port: number };
  readonly allowInternalDelivery?: boolean;
  /** The core's clock (the twin's simulated one in `satiot demo`). */
  readonly clock?: Clock;
  readonly signInLinks?: boolean;
  /** Request log level (default `info`). */
  readonly logLevel?: string;
  /** Terminals a tenant registers wait for an operator's approval (docs/supervision.md); default off. */
  readonly registrationReview?: boolean;
  /** Emergency downlinks a tenant may queue per hour (src/core/emergency-budget.ts; default 20); `false`: no budget. */
  readonly emergencyDownlinksPerHour?: number | false;
  /** Terminals that may share one DevAddr (default 4). */
  readonly maxTerminalsPerDevAddr?: number;
  /**
   * Bad MICs before a DevAddr's or station's frames are refused unchecked (src/core/mic-throttle.ts; its defaults when
   * absent); `false`: off.
   */
  readonly micThrottle?: MicThrottlePolicy | false;
  /** Rate limits and lock-out (src/api/rate-limits.ts; its defaults when absent). */
  readonly limits?: Partial<AccessLimits>;
  /** This node's name in the cluster (default `<host name>:<port>`); on every log line. */
  readonly nodeId?: string;
  /** Redelivery of failed events to consumers (default: src/bus/retry-policy.ts). */
  readonly retry?: Partial<RetryPolicy>;
  /** Addresses (CIDR) of proxies whose X-Forwarded-For names the client (limits and lock-outs key on it). */
  readonly trustProxy?: readonly string[];
  /** Bearer token Prometheus scrapes /metrics with (without it: loopback callers and operator keys only). */
  readonly metricsToken?: string;
  /**
   * PEM file of the audit public key audit verification trusts (kept outside the data directory); default the signing
   * key's, reported as unpinned.
   */
  readonly auditPublicKey?: string;
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
  /** The Semtech UDP server's bound address, when one runs. */
  readonly semtechUdp?: { readonly address: string; readonly port: number };
  close(): Promise<void>;
}

/** Opens store and bus, starts the core and the HTTP API (plus MQTT ingest when asked) and its sweeps. */
export async function startRuntime(o: RuntimeOptions): Promise<Runtime> {
  const dataDir = resolve(o.data);
  const admin = resolveAdminKey(dataDir);
  const vault = resolveMasterKey(dataDir);
  const store = await openStore(o.store, { dataDir });
  // A start that fails part-way closes what it opened (last first), so the process ends with its
  // error instead of living on with a NATS connection, a pool or a port open.
  const opened: Array<() => Promise<unknown>> = [() => store.close()];
  try {
    const bus = await openBus(o.bus, {
      deadLetterSink: deadLetterSink(store.deadLetters),
      ...(o.retry ? { retry: o.retry } : {}),
      nats: { connectionName: `satiot ${o.nodeId ?? ''}`.trim() },
    });
    opened.push(() => bus.close());
    const allowInternal = o.allowInternalDelivery === true;
    const nodeId = o.nodeId ?? `${hostname()}:${o.port || process.pid}`;
    // The tamper-evident audit log (docs/security.md): hash chain in the store, checkpoints signed with
    // <data>/audit-signing.key.
    const audit = createAuditLog(store, dataDir, o.clock ?? systemClock, process.env, o.auditPublicKey);
    const anomalyPolicy = resolveAnomalyPolicy();
    // Background failures go to the request log once it exists (a line per failure, with the node's name).
    let log: (e: unknown, what: string) => void = (e, what) =>
      process.stderr.write(`satiot ${nodeId} ${what}: ${e instanceof Error ? e.message : String(e)}\n`);
    const core = await Core.start({
      store,
      bus,
      vault,
      audit,
      ...(o.clock ? { clock: o.clock } : {}),
      node: { nodeId },
      periodic: true,
      onError: (e, what) => log(e, what),
      registration: { reviewTenantRegistrations: o.registrationReview === true },
      ...(o.maxTerminalsPerDevAddr !== undefined
        ? { provisioning: { maxTerminalsPerDevAddr: o.maxTerminalsPerDevAddr } }
        : {}),
      ...(o.micThrottle !== undefined ? { ingest: { micThrottle: o.micThrottle } } : {}),
      ...(o.emergencyDownlinksPerHour !== undefined ? { emergencyDownlinksPerHour: o.emergencyDownlinksPerHour } : {}),
      delivery: {
        transport: new HttpWebhookTransport({ allowInternal }),
        publisher: new MqttIntegrationPublisher({ allowInternal }),
        allowInternal,
      },
      forecastEngine: augursEngine(),
    });
    opened.splice(0, opened.length, () => core.close()); // the core closes the bus and the store
    const app = await buildApp({
      logger: true,
      nodeId,
      ...(o.logLevel ? { logLevel: o.logLevel } : {}),
      core,
      adminKeyHash: admin.hash,
      ...(o.signInLinks ? { signInLinks: true } : {}),
      ...(o.limits ? { limits: o.limits } : {}),
      ...(o.trustProxy ? { trustProxy: o.trustProxy } : {}),
      ...(o.metricsToken ? { metricsToken: o.metricsToken } : {}),
    });
    opened.push(() => app.close());
    const auditKeyWarning = keyWarning(audit.trust);
    if (auditKeyWarning) app.log.warn({ keySource: audit.trust?.source }, auditKeyWarning);
    // A store or bus that is down fails every background task each second: one line per task and 30 s.
    const quietUntil = new Map<string, number>();
    log = (e, what) => {
      if (
        isStoreUnavailable(e) ||
        /no responders|TIMEOUT|CONNECTION_CLOSED|disconnect/i.test(String((e as Error)?.message ?? e))
      ) {
        const now = Date.now();
        if ((quietUntil.get(what) ?? 0) > now) return;
        quietUntil.set(what, now + 30_000);
        app.log.warn(
          { what, reason: (e as Error)?.message ?? String(e) },
          `${what}: store or bus unreachable; retrying`,
        );
        return;
      }
      app.log.error({ err: e }, `${what} failed`);
    };
    core.leases.onChange((name, held) => app.log.info({ lease: name }, held ? 'lease taken' : 'lease given up'));
    const mqttGw = o.mqtt
      ? await MqttGateway.connect(o.mqtt, core, {
          nodeId,
          limits: app.stationLimiter,
          ...(o.mqttGroup ? { shareGroup: o.mqttGroup } : {}),
        })
      : undefined;
    if (mqttGw) opened.push(() => mqttGw.close());
    const udp =
      o.semtechUdp !== undefined
        ? await SemtechUdpServer.start(core, {
            port: o.semtechUdp,
            host: o.host,
            ...(o.region ? { region: o.region } : {}),
            onError: (e, what) => log(e, what),
          })
        : undefined;
    if (udp) opened.push(() => udp.close());
    const mo =
      o.directIpMo !== undefined
        ? await DirectIpMoServer.start(core, {
            port: o.directIpMo,
            host: o.host,
            ...(o.directIpAllow ? { allow: o.directIpAllow } : {}),
            onError: (e, what) => log(e, what),
          })
        : undefined;
    if (mo) opened.push(() => mo.close());
    // One node of a cluster hands Iridium downlinks over: the one holding the downlink lease.
    const mt = o.directIpMt
      ? await DirectIpMtClient.start(core, {
          ...o.directIpMt,
          onlyWhen: () => core.leases.holds(LEASES.downlinks),
          onError: (e, what) => log(e, what),
        })
      : undefined;
    if (mt) opened.push(() => mt.close());
    // Anomaly detection and automatic responses, audit checkpoints and retention (each once per cluster, under its
    // lease).
    const supervision = await startSupervision(core, audit, {
      policy: anomalyPolicy,
      onError: (e, what) => app.log.error({ err: e }, `${what} failed`),
    });
    opened.push(() => supervision.stop());
    const address = await app.listen({ port: o.port, host: o.host });
    core.cluster.setAddress(address);
    let closed: Promise<void> | undefined;
    return {
      core,
      app,
      address,
      dataDir,
      ...(admin.generated ? { generatedAdminKey: admin.generated } : {}),
      ...(udp ? { semtechUdp: udp.address() } : {}),
      banner:
        `satiot listening on ${address}   (node ${nodeId}, store ${store.backend}, ` +
        `bus ${bus.kind}${mqttGw ? `, MQTT ${o.mqtt}` : ''}` +
        `${udp ? `, Semtech UDP ${udp.address().address}:${udp.address().port}` : ''}` +
        `${mo ? `, DirectIP MO ${mo.address().address}:${mo.address().port}` : ''}` +
        `${mt ? `, DirectIP MT → ${o.directIpMt!.host}:${o.directIpMt!.port}` : ''}, ` +
        `data ${dataDir})`,
      close: () =>
        (closed ??= (async () => {
          app.draining = true; // /readyz answers 503 at once: a load balancer moves traffic away while requests finish
          await app.close();
          await app.auditIdle?.(); // records of the last requests reach the log before it flushes
          await mqttGw?.close();
          await udp?.close();
          await mo?.close();
          await mt?.close();
          await supervision.stop();
          await core.close();
        })()),
    };
  } catch (e) {
    for (const close of opened.reverse()) await close().catch(() => undefined);
    throw e;
  }
}

/** Runs `stop` once on the first SIGINT or SIGTERM, then exits 0. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (): void => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`error INTERNAL: stopping failed: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
