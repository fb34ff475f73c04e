import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropPostgresSchema } from '../../store/postgres/drop-schema.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { writeCsv } from '../../report/csv-writer.js';
import { batchesOf, benchFrames, benchTerminals } from './bench-frames.js';
import { quantile, type EventPathFigures } from './ingest-bench.js';

export interface ClusterBenchOptions {
  /** `satiot serve` processes started side by side. */
  nodes: number;
  frames: number;
  terminals: number;
  /** A postgres:// URL (a scratch schema is made in it and dropped) and a nats:// URL. */
  store: string;
  bus: string;
  batch: number;
  /** Concurrent HTTP callers, spread over the nodes. */
  clients: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ClusterBenchResult extends EventPathFigures {
  nodes: number;
  framesPerSecond: number;
  frames: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  seconds: number;
  store: 'postgres';
  bus: 'nats';
  via: 'http';
  batch: number;
  terminals: number;
  /** Ingested → delivered to the webhook receiver (the worker's POST included), per message, ms. */
  deliveredP50Ms: number;
  deliveredP99Ms: number;
}

const CLI = fileURLToPath(new URL('../main.js', import.meta.url));
const ADMIN = `sat_bench_${randomBytes(12).toString('hex')}`;

/**
 * The scale-out path as operators run it: `nodes` real `satiot serve` processes on one PostgreSQL
 * schema and one NATS server, a load generator posting gateway batches to all of them over HTTP, a
 * webhook on every uplink answered by a local receiver. Prints frames/s, the outbox lag when the
 * load ends, how long the events took to catch up, each message's ingested → queued latency (from
 * the nodes' `satiot_delivery_queued_seconds` histograms, interpolated within buckets) and its
 * ingested → delivered latency (exact, at the receiver).
 */
export async function runClusterBench(o: ClusterBenchOptions): Promise<ClusterBenchResult> {
  if (!/^postgres(ql)?:\/\//.test(o.store) || !/^nats:\/\//.test(o.bus)) {
    throw new SatiotError(
      'INVALID_ARGUMENT',
      '--nodes needs --store postgres://… and --bus nats://… (the nodes share them)',
    );
  }
  const schema = `satiot_bench_${randomBytes(4).toString('hex')}`;
  const storeSpec = `${o.store}${o.store.includes('?') ? '&' : '?'}schema=${schema}`;
  const receiver = await Receiver.start();
  const nodes: NodeProc[] = [];
  const env = {
    ...process.env,
    SATIOT_ADMIN_KEY: ADMIN,
    SATIOT_MASTER_KEY: randomBytes(32).toString('hex'),
    SATIOT_AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  };
  try {
    for (let k = 0; k < o.nodes; k++) nodes.push(await NodeProc.start(k, storeSpec, o.bus, env));
    const api = nodes[0]!;
    const tenant = await api.call<{ id: string }>('POST', '/api/v1/tenants', { name: 'bench' });
    const station = await api.call<{ token: string }>('POST', '/api/v1/ground-stations', {
      name: 'bench-gs',
      lat: 40,
      lon: 116,
    });
    await api.call('POST', '/api/v1/webhooks', { tenantId: tenant.id, url: receiver.url, events: ['uplink'] });
    const terms = benchTerminals(o.terminals);
    for (const chunk of batchesOf(terms, 5_000)) {
      const csv = writeCsv(
        ['devEui', 'devAddr', 'nwkSKey', 'appSKey'],
        chunk.map((t) => [
          t.devEui,
          t.devAddr,
          Buffer.from(t.keys.nwkSKey).toString('hex'),
          Buffer.from(t.keys.appSKey).toString('hex'),
        ]),
      );
      const r = await api.call<{ created: number }>(
        'POST',
        `/api/v1/terminals/import?tenantId=${tenant.id}`,
        csv,
        'text/csv',
      );
      if (r.created !== chunk.length) throw new Error(`only ${r.created} of ${chunk.length} terminals registered`);
    }
    // Every node knows every terminal before the load starts (its registry hears of them within a second).
    await new Promise((r) => setTimeout(r, 1_500));
    const frames = benchFrames(terms, o.frames);
    // Stations post to the node nearest them, and a terminal is heard by the stations of its region:
    // a terminal's frames go to one node (terminal index modulo the nodes). Spraying every batch over
    // every node would make the nodes fight over the same counter rows on every commit instead.
    const perNode = nodes.map(() => [] as typeof frames);
    for (const f of frames) perNode[nodeOf(f.phyPayload, nodes.length)]!.push(f);
    // The nodes' batches interleaved, so that every node has work from the start.
    const lists = perNode.map((list, k) =>
      batchesOf(list, o.batch).map((b) => ({ node: k, size: b.length, body: JSON.stringify({ frames: b }) })),
    );
    const bodies: Array<{ node: number; size: number; body: string }> = [];
    for (let i = 0; i < Math.max(...lists.map((l) => l.length)); i++)
      for (const l of lists) if (l[i]) bodies.push(l[i]!);

    let accepted = 0,
      duplicates = 0,
      rejected = 0,
      done = 0,
      next = 0;
    const s0 = performance.now();
    await Promise.all(
      Array.from({ length: o.clients }, async () => {
        while (next < bodies.length) {
          const i = next++;
          const node = nodes[bodies[i]!.node]!;
          const res = await fetch(`${node.url}/api/v1/gateway/uplinks`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${station.token}` },
            body: bodies[i]!.body,
          });
          if (!res.ok) throw new Error(`node ${node.index}: HTTP ${res.status}: ${await res.text()}`);
          for (const r of ((await res.json()) as { results: Array<{ status: string }> }).results) {
            if (r.status === 'accepted') accepted++;
            else if (r.status === 'duplicate') duplicates++;
            else rejected++;
          }
          done += bodies[i]!.size;
          o.onProgress?.(done, frames.length);
        }
      }),
    );
    const seconds = (performance.now() - s0) / 1000;
    const outboxLagAtEnd = (await api.call<{ outbox: { pending: number } }>('GET', '/api/v1/cluster')).outbox.pending;
    const d0 = performance.now();
    while (receiver.delivered.length < accepted && performance.now() - d0 < 180_000)
      await new Promise((r) => setTimeout(r, 50));
    const drainSeconds = (performance.now() - d0) / 1000;
    const delivered = [...receiver.delivered].sort((a, b) => a - b);
    const queued = mergeHistograms(await Promise.all(nodes.map((n) => n.metrics())), 'satiot_delivery_queued_seconds');
    return {
      nodes: o.nodes,
      framesPerSecond: Math.round(frames.length / seconds),
      frames: frames.length,
      accepted,
      duplicates,
      rejected,
      seconds: Number(seconds.toFixed(2)),
      store: 'postgres',
      bus: 'nats',
      via: 'http',
      batch: o.batch,
      terminals: o.terminals,
      outboxLagAtEnd,
      drainSeconds: Number(drainSeconds.toFixed(2)),
      queued: queued.count,
      queuedP50Ms: Math.round(histogramQuantile(queued, 0.5) * 1000),
      queuedP99Ms: Math.round(histogramQuantile(queued, 0.99) * 1000),
      queuedMaxMs: NaN,
      deliveredP50Ms: Math.round(quantile(delivered, 0.5)),
      deliveredP99Ms: Math.round(quantile(delivered, 0.99)),
    };
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await receiver.close();
    await dropPostgresSchema(o.store, schema).catch(() => undefined);
  }
}

/** The node a frame goes to: its terminal's index (the bench's DevAddrs count from 0x26000000) modulo `n`. */
function nodeOf(phyPayloadBase64: string, n: number): number {
  const b = Buffer.from(phyPayloadBase64, 'base64');
  if (b.length < 5) return 0;
  return (b.readUInt32LE(1) - 0x26000000) % n;
}

/** A `satiot serve` process of the benchmark. */
class NodeProc {
  private constructor(
    readonly index: number,
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  static async start(index: number, store: string, bus: string, env: NodeJS.ProcessEnv): Promise<NodeProc> {
    const dir = mkdtempSync(join(tmpdir(), `satiot-bench-node-${index}-`));
    const child = spawn(
      process.execPath,
      [
        CLI,
        'serve',
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--node-id',
        `bench-${index}`,
        '--data',
        dir,
        '--store',
        store,
        '--bus',
        bus,
        '--allow-internal-delivery',
        '--rate-limit-api',
        'off',
        '--rate-limit-station',
        'off',
        '--log-level',
        'error',
      ],
      { env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`node ${index} did not start: ${err.slice(-500)}`)), 60_000);
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`node ${index} exited ${code}: ${err.slice(-500)}`));
      });
    });
    return new NodeProc(index, url, child, dir);
  }

  async call<T = unknown>(method: string, path: string, body?: unknown, type = 'application/json'): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, ...(body !== undefined ? { 'content-type': type } : {}) },
      ...(body !== undefined ? { body: type === 'application/json' ? JSON.stringify(body) : String(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async metrics(): Promise<string> {
    // The operator key: a SATIOT_METRICS_TOKEN in the environment closes /metrics to anonymous loopback callers too.
    return (await fetch(`${this.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      this.child.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A webhook receiver answering 204 and keeping each uplink event's ingested → received time, ms. */
class Receiver {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly delivered: number[],
  ) {}

  static async start(): Promise<Receiver> {
    const delivered: number[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const at = Date.parse(
            (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { ingestedAt?: string }).ingestedAt ?? '',
          );
          if (Number.isFinite(at)) delivered.push(Date.now() - at);
        } catch {
          /* not an uplink event */
        }
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return new Receiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/satiot`, delivered);
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

interface Histogram {
  /** Cumulative counts by upper bound (s), ascending; +Inf last. */
  readonly buckets: Array<{ le: number; count: number }>;
  readonly count: number;
}

/** One histogram summed over the nodes' /metrics texts (every label value together). */
export function mergeHistograms(texts: readonly string[], name: string): Histogram {
  const byLe = new Map<number, number>();
  const line = new RegExp(`^${name}_bucket\\{([^}]*)\\} (\\S+)$`);
  for (const text of texts) {
    for (const l of text.split('\n')) {
      const m = line.exec(l);
      if (!m) continue;
      const le = /le="([^"]+)"/.exec(m[1]!)?.[1];
      if (le === undefined) continue;
      const bound = le === '+Inf' ? Infinity : Number(le);
      byLe.set(bound, (byLe.get(bound) ?? 0) + Number(m[2]));
    }
  }
  const buckets = [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  return { buckets, count: buckets[buckets.length - 1]?.count ?? 0 };
}

/** The q-quantile of a histogram, interpolated linearly within its bucket (as Prometheus's histogram_quantile). */
export function histogramQuantile(h: Histogram, q: number): number {
  if (h.count === 0) return NaN;
  const rank = q * h.count;
  let lower = 0,
    below = 0;
  for (const b of h.buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lower;
      const inBucket = b.count - below;
      return inBucket <= 0 ? b.le : lower + ((b.le - lower) * (rank - below)) / inBucket;
    }
    lower = b.le;
    below = b.count;
  }
  return lower;
}
