import type { Command } from 'commander';
import { isIP } from 'node:net';
import { parseChoice, parseInteger, parseNumber } from '../options.js';
import { retryPolicyFor } from '../../bus/retry-policy.js';
import { runAction } from '../run-action.js';
import { DEFAULT_ACCESS_LIMITS, type AccessLimits } from '../../api/access-limits.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { LORA_REGIONS } from '../../frame/regional/receive-windows.js';
import { parseAllowList } from '../../api/directip/allow-list.js';
import { DEFAULT_MAX_TERMINALS_PER_DEV_ADDR } from '../../frame/dev-addr.js';
import { DEFAULT_MIC_THROTTLE, type MicThrottlePolicy } from '../../core/mic-throttle.js';
import { DEFAULT_EMERGENCY_DOWNLINKS_PER_HOUR } from '../../core/emergency-budget.js';

interface ServeOptions {
  port: string;
  host: string;
  data: string;
  store: string;
  bus: string;
  mqtt?: string;
  mqttGroup: string;
  semtechUdp?: string;
  region: string;
  directipMo?: string;
  directipAllow?: string;
  directipMt?: string;
  allowInternalDelivery?: boolean;
  registrationReview?: boolean;
  maxTerminalsPerDevAddr: string;
  micThrottle: string;
  emergencyDownlinksPerHour: string;
  rateLimitApi: string;
  rateLimitStation: string;
  lockout: string;
  nodeId?: string;
  auditPublicKey?: string;
  trustProxy?: string;
  metricsToken?: string;
  retryFor: string;
  logLevel: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the platform: network core (gateway ingest, provisioning, messages) and the HTTP API')
    .option('--port <n>', 'TCP port', process.env.PORT ?? '8080')
    .option('--host <addr>', 'listen address', process.env.HOST ?? '127.0.0.1')
    .option('--data <dir>', 'data directory (SQLite database, generated keys)', process.env.SATIOT_DATA ?? './data')
    .option(
      '--store <spec>',
      'sqlite (embedded, in --data) or postgres://user@host:5432/db',
      process.env.SATIOT_STORE ?? 'sqlite',
    )
    .option('--bus <spec>', 'memory (in-process) or nats://host:4222 (JetStream)', process.env.SATIOT_BUS ?? 'memory')
    .option(
      '--mqtt <url>',
      'also take gateway batches over MQTT from this broker (satiot/gateway/{stationId}/up)',
      process.env.SATIOT_MQTT,
    )
    .option(
      '--mqtt-group <name>',
      'the shared subscription every node of a cluster takes gateway batches through (each batch to one node)',
      process.env.SATIOT_MQTT_GROUP ?? 'satiot-gateway',
    )
    .option(
      '--semtech-udp <port>',
      'also hear terrestrial LoRa gateways: their Semtech UDP packet forwarders on this UDP port (1700 is ' +
        "theirs by default; --host applies; register each gateway's EUI first: POST /api/v1/gateways)",
      process.env.SATIOT_SEMTECH_UDP,
    )
    .option(
      '--region <name>',
      "LoRaWAN regional parameters of terrestrial gateways' downlinks: CN470 (RX1 on uplink channel mod 48, " +
        'RX2 505.3 MHz SF12) or EU868',
      process.env.SATIOT_REGION ?? 'CN470',
    )
    .option(
      '--directip-mo <port>',
      "also take Iridium SBD sessions: the Iridium gateway's MO DirectIP connections on this TCP port " +
        '(--host applies; register terminals with transport iridium-sbd and their IMEI)',
      process.env.SATIOT_DIRECTIP_MO,
    )
    .option(
      '--directip-allow <cidr,...>',
      "addresses allowed to deliver MO sessions: the Iridium gateway's (default the loopback only)",
      process.env.SATIOT_DIRECTIP_ALLOW,
    )
    .option(
      '--directip-mt <host:port>',
      "send downlinks for Iridium terminals to the Iridium gateway's MT DirectIP endpoint",
      process.env.SATIOT_DIRECTIP_MT,
    )
    .option(
      '--allow-internal-delivery',
      'let webhooks and MQTT integrations point at internal addresses (an on-site receiver), whoever ' +
        'registers them; refused by default',
    )
    .option(
      '--registration-review',
      'terminals a tenant registers wait as pending until an operator approves them (default: ' +
        'SATIOT_REGISTRATION_REVIEW=1, else off)',
      ['1', 'true', 'yes', 'on'].includes((process.env.SATIOT_REGISTRATION_REVIEW ?? '').toLowerCase()),
    )
    .option(
      '--max-terminals-per-dev-addr <n>',
      'terminals (not retired) that may share one DevAddr; a tenant never gets one another tenant uses, an ' +
        'operator may',
      process.env.SATIOT_MAX_TERMINALS_PER_DEV_ADDR ?? String(DEFAULT_MAX_TERMINALS_PER_DEV_ADDR),
    )
    .option(
      '--mic-throttle <perDevAddr/perStation/windowS/coolDownS|off>',
      'after this many bad MICs for one DevAddr from one station, or from one station (and half its ' +
        'frames), within windowS seconds, refuse its frames unchecked (MIC_THROTTLED) for coolDownS seconds; ' +
        'per node',
      process.env.SATIOT_MIC_THROTTLE ?? micThrottleText(DEFAULT_MIC_THROTTLE),
    )
    .option(
      '--emergency-downlinks-per-hour <n|off>',
      'emergency downlinks each tenant may queue per clock hour, its API users and rules together (they ' +
        'pass rate limits and quotas); over it: 429 EMERGENCY_BUDGET_EXCEEDED, audited, and an ' +
        'emergency-excess alert',
      process.env.SATIOT_EMERGENCY_DOWNLINKS_PER_HOUR ?? String(DEFAULT_EMERGENCY_DOWNLINKS_PER_HOUR),
    )
    .option(
      '--rate-limit-api <n|off>',
      'requests per minute per API key (emergency downlinks count apart, so a key at its limit can still ' +
        'send one; they also have a budget, --emergency-downlinks-per-hour)',
      process.env.SATIOT_RATE_LIMIT_API ?? String(DEFAULT_ACCESS_LIMITS.api),
    )
    .option(
      '--rate-limit-station <n|off>',
      'gateway requests per minute per ground station (own budget: API traffic never starves ingest)',
      process.env.SATIOT_RATE_LIMIT_STATION ?? String(DEFAULT_ACCESS_LIMITS.station),
    )
    .option(
      '--lockout <failures/windowS/lockS|off>',
      'lock a source address (API keys and station tokens counted apart) and a presented key or token out ' +
        'after this many failures within windowS seconds, for lockS seconds',
      process.env.SATIOT_LOCKOUT ?? '10/300/900',
    )
    .option(
      '--node-id <name>',
      "this node's name in the cluster, on every log line (default <host name>:<port>)",
      process.env.SATIOT_NODE_ID,
    )
    .option(
      '--trust-proxy <cidr,...>',
      'proxies whose X-Forwarded-For names the real client (limits and lock-outs key on it), e.g. 10.0.0.0/8,127.0.0.1',
      process.env.SATIOT_TRUST_PROXY,
    )
    .option(
      '--metrics-token <token>',
      'bearer token Prometheus scrapes /metrics with (16+ characters; prefer the env variable: a flag shows ' +
        'in ps); without it /metrics answers loopback callers and operator keys only',
      process.env.SATIOT_METRICS_TOKEN,
    )
    .option(
      '--log-level <level>',
      'request and event log: fatal, error, warn, info (every request) or debug',
      process.env.SATIOT_LOG_LEVEL ?? 'info',
    )
    .option(
      '--audit-public-key <file>',
      'the audit checkpoint public key (PEM) GET /api/v1/audit/verify trusts, kept outside --data; without ' +
        "it the report warns that the server's own key proves nothing against whoever can replace it",
      process.env.SATIOT_AUDIT_PUBLIC_KEY,
    )
    .option(
      '--retry-for <minutes>',
      'how long consumers retry a failing event (backoff 1 s doubling to 5 min) before it becomes a dead letter',
      process.env.SATIOT_RETRY_FOR ?? '15',
    )
    .addHelpText(
      'after',
      `
Keys:
  SATIOT_ADMIN_KEY    operator key; without it one is generated on the first start, printed once,
                      and only its hash kept in <data>/admin-key.sha256
  SATIOT_MASTER_KEY   64 hex digits sealing terminal keys at rest; default <data>/master.key
                      (set it explicitly when several nodes share one PostgreSQL)
  SATIOT_MASTER_KEY_PREVIOUS  older master keys still accepted during a rotation (comma-separated;
                      default <data>/master.key.previous); see \`satiot master-key --help\`
  SATIOT_MASTER_KEY_CIPHER    aes-256-gcm (default) or sm4 (SM4-CTR + HMAC-SM3) for new sealed values
  SATIOT_AUDIT_SIGNING_KEY    Ed25519 private key (PKCS#8 PEM) signing audit checkpoints; default
                      <data>/audit-signing.key (public half in audit-signing.pub); see docs/security.md
  SATIOT_AUDIT_PUBLIC_KEY     the same as --audit-public-key
  SATIOT_AUDIT_HASH   sha256 (default) or sm3: the audit chain's hash
  SATIOT_AUDIT_RETENTION_DAYS  audit records kept at least this long (default 180)
  SATIOT_METRICS_TOKEN  bearer token for /metrics (as --metrics-token); Prometheus sends it with
                      authorization: { credentials: <token> } in its scrape config
  SATIOT_ANOMALY_POLICY  JSON file overriding the anomaly policy, e.g. {"mic-failures":{"response":"suspend"}}

Scale-out (docs/cluster.md): every node of a cluster runs with the same --store, --bus and
SATIOT_MASTER_KEY; each takes traffic on its own port behind a load balancer that asks /readyz.

Example:
  satiot serve --port 8080 --data ./data
  satiot serve --store postgres://postgres@127.0.0.1:5432/test?schema=satiot --bus nats://127.0.0.1:4222 --node-id a --port 8081
  satiot serve --store postgres://postgres@127.0.0.1:5432/test?schema=satiot --bus nats://127.0.0.1:4222 --node-id b --port 8082
`,
    )
    .action(
      runAction(async (o: ServeOptions) => {
        const { startRuntime, stopOnSignals } = await import('../server-runtime.js');
        const rt = await startRuntime({
          port: parseInteger(o.port, '--port', 0, 65535),
          host: o.host,
          data: o.data,
          store: o.store,
          bus: o.bus,
          ...(o.mqtt ? { mqtt: o.mqtt, mqttGroup: checkGroup(o.mqttGroup) } : {}),
          ...(o.directipMo !== undefined
            ? {
                directIpMo: parseInteger(o.directipMo, '--directip-mo', 0, 65535),
                ...(o.directipAllow ? { directIpAllow: parseAllow(o.directipAllow) } : {}),
              }
            : {}),
          ...(o.directipMt !== undefined ? { directIpMt: parseHostPort(o.directipMt, '--directip-mt') } : {}),
          ...(o.semtechUdp !== undefined
            ? {
                semtechUdp: parseInteger(o.semtechUdp, '--semtech-udp', 0, 65535),
                region: parseChoice(o.region, '--region', LORA_REGIONS),
              }
            : {}),
          allowInternalDelivery: o.allowInternalDelivery === true,
          registrationReview: o.registrationReview === true,
          maxTerminalsPerDevAddr: parseInteger(o.maxTerminalsPerDevAddr, '--max-terminals-per-dev-addr', 1, 1000),
          micThrottle: micThrottlePolicy(o.micThrottle),
          emergencyDownlinksPerHour:
            o.emergencyDownlinksPerHour === 'off'
              ? false
              : parseInteger(o.emergencyDownlinksPerHour, '--emergency-downlinks-per-hour', 1, 100_000),
          limits: {
            api: perMinute(o.rateLimitApi, '--rate-limit-api'),
            station: perMinute(o.rateLimitStation, '--rate-limit-station'),
            lockout: lockoutPolicy(o.lockout),
          },
          ...(o.nodeId ? { nodeId: checkNodeId(o.nodeId) } : {}),
          ...(o.auditPublicKey ? { auditPublicKey: o.auditPublicKey } : {}),
          ...(o.trustProxy ? { trustProxy: parseTrustProxy(o.trustProxy) } : {}),
          ...(o.metricsToken ? { metricsToken: checkMetricsToken(o.metricsToken) } : {}),
          logLevel: parseChoice(o.logLevel, '--log-level', [
            'fatal',
            'error',
            'warn',
            'info',
            'debug',
            'trace',
          ] as const),
          retry: retryPolicyFor(parseNumber(o.retryFor, '--retry-for', 0, 7 * 24 * 60) * 60_000),
        });
        stopOnSignals(() => rt.close());
        const lines = [
          rt.banner,
          `  health   ${rt.address}/healthz      API reference ${rt.address}/api/docs      ` +
            `metrics ${rt.address}/metrics`,
        ];
        if (rt.generatedAdminKey) lines.push(`  operator key (shown once, keep it): ${rt.generatedAdminKey}`);
        process.stderr.write(`${lines.join('\n')}\n`);
      }),
    );
}

const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

function checkGroup(s: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(s))
    throw new SatiotError('INVALID_ARGUMENT', '--mqtt-group is 1–64 letters, digits, "_" or "-"');
  return s;
}

/** A scrape token: 16–512 printable characters without spaces (it travels in an HTTP header). */
function checkMetricsToken(s: string): string {
  if (!/^[\x21-\x7e]{16,512}$/.test(s))
    throw new SatiotError(
      'INVALID_ARGUMENT',
      '--metrics-token (or SATIOT_METRICS_TOKEN) must be 16–512 printable characters without spaces',
    );
  return s;
}

function checkNodeId(s: string): string {
  if (!NODE_ID.test(s))
    throw new SatiotError('INVALID_ARGUMENT', '--node-id is 1–64 letters, digits, ".", ":", "_" or "-"');
  return s;
}

/** Addresses and CIDR ranges, comma-separated (Fastify's trustProxy checks them with proxy-addr). */
function parseTrustProxy(s: string): string[] {
  const list = s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
  for (const x of list) {
    const [addr, bits, extra] = x.split('/');
    const ok =
      extra === undefined &&
      isIP(addr ?? '') !== 0 &&
      (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(addr!) === 4 ? 32 : 128)));
    if (!ok)
      throw new SatiotError('INVALID_ARGUMENT', `--trust-proxy: "${x}" is not an address or CIDR range`, { value: x });
  }
  return list;
}

function perMinute(s: string, flag: string): number | false {
  if (s === 'off') return false;
  return parseInteger(s, flag, 1, 10_000_000);
}

function micThrottleText(p: MicThrottlePolicy): string {
  return `${p.perDevAddr}/${p.perStation}/${p.windowMs / 1000}/${p.coolDownMs / 1000}`;
}

function micThrottlePolicy(s: string): MicThrottlePolicy | false {
  if (s === 'off') return false;
  const m = /^(\d+)\/(\d+)\/(\d+)\/(\d+)$/.exec(s);
  if (!m || m.slice(1).some((v) => Number(v) < 1))
    throw new SatiotError(
      'INVALID_ARGUMENT',
      '--mic-throttle must be perDevAddr/perStation/windowSeconds/coolDownSeconds (e.g. 10/200/60/300) or off',
    );
  return {
    perDevAddr: Number(m[1]),
    perStation: Number(m[2]),
    windowMs: Number(m[3]) * 1000,
    coolDownMs: Number(m[4]) * 1000,
  };
}

function lockoutPolicy(s: string): AccessLimits['lockout'] {
  if (s === 'off') return false;
  const m = /^(\d+)\/(\d+)\/(\d+)$/.exec(s);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1 || Number(m[3]) < 1)
    throw new SatiotError(
      'INVALID_ARGUMENT',
      '--lockout must be failures/windowSeconds/lockSeconds (e.g. 10/300/900) or off',
    );
  return { failures: Number(m[1]), windowMs: Number(m[2]) * 1000, lockMs: Number(m[3]) * 1000 };
}

/** `--directip-allow`: addresses and CIDR blocks, comma-separated, each checked here. */
function parseAllow(v: string): string[] {
  const entries = v
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  try {
    parseAllowList(entries);
  } catch (e) {
    throw new SatiotError('INVALID_ARGUMENT', `--directip-allow: ${(e as Error).message}`);
  }
  if (entries.length === 0) throw new SatiotError('INVALID_ARGUMENT', '--directip-allow names no address');
  return entries;
}

/** `host:port` (an IPv6 host in brackets: `[::1]:10800`). */
function parseHostPort(v: string, flag: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d+)$/.exec(v.trim());
  if (!m) throw new SatiotError('INVALID_ARGUMENT', `${flag} must be host:port, got ${v}`);
  return { host: m[1] ?? m[2]!, port: parseInteger(m[3]!, flag, 1, 65535) };
}
