/**
 * Real processes for the cluster tests: `satiot serve` nodes (the built CLI), a NATS server of
 * their own (`nats-server -js -sd <tmpdir>` on a free port), and either a throwaway schema on the
 * PostgreSQL of SATIOT_TEST_POSTGRES_URL or a private PostgreSQL instance (initdb into a temp
 * directory) when a test restarts the database. Nothing is shared between runs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { buildDataFrame, type SessionKeys } from '../../src/frame/index.js';
import { dropPostgresSchema } from '../../src/store/postgres/drop-schema.js';
import { until as untilShared } from '../support/until.js';

export const POSTGRES_URL = process.env['SATIOT_TEST_POSTGRES_URL'] || undefined;
export const NATS_SERVER = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) =>
  existsSync(p),
);
const PG_BIN = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'].find((p) =>
  existsSync(join(p, 'initdb')),
);
const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;

/** Why the cluster tests cannot run here, or undefined when they can. */
export function missing(): string | undefined {
  if (!POSTGRES_URL) return 'SATIOT_TEST_POSTGRES_URL is not set';
  if (!NATS_SERVER) return 'nats-server is not installed';
  return undefined;
}

/** Whether a private PostgreSQL can be started (initdb and pg_ctl, run as the postgres user when root). */
export function canRunPrivatePostgres(): boolean {
  return PG_BIN !== undefined && (userInfo().uid !== 0 || spawnSync('id', ['postgres']).status === 0);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The shared `until` (test/support/until.ts) with a real process's patience: nodes and nats-server
 * start and fail over in seconds, so the default is 30 s, polling every 50 ms.
 */
export const until = <T>(
  f: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<T> => untilShared(f, what, timeoutMs, everyMs);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/** A NATS server with JetStream on a free port and a store directory of its own; restart() keeps both. */
export class NatsProcess {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<NatsProcess> {
    const n = new NatsProcess(await freePort(), mkdtempSync(join(tmpdir(), 'satiot-nats-')));
    await n.run();
    return n;
  }

  private async run(): Promise<void> {
    this.child = spawn(NATS_SERVER!, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.dir], {
      stdio: 'ignore',
    });
    await until(() => portOpen(this.port), `nats-server on ${this.port}`, 10_000);
  }

  /** Stops the server (SIGTERM, or SIGKILL with `kill`) and waits for it to exit. */
  async stop(kill = false): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(kill ? 'SIGKILL' : 'SIGTERM');
    await exited;
  }

  async restart(downMs = 0): Promise<void> {
    await this.stop();
    if (downMs > 0) await sleep(downMs);
    await this.run();
  }

  async dispose(): Promise<void> {
    await this.stop(true);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The database the nodes share: a throwaway schema, or a private server that can be restarted. */
export interface Database {
  /** The --store spec every node gets. */
  readonly url: string;
  /** Stops the server for `downMs` and starts it again (private server only). */
  restart?(downMs: number): Promise<void>;
  dispose(): Promise<void>;
}

export function sharedSchema(): Database {
  const schema = `satiot_cluster_${randomBytes(5).toString('hex')}`;
  const u = new URL(POSTGRES_URL!);
  u.searchParams.set('schema', schema);
  return { url: u.toString(), dispose: () => dropPostgresSchema(POSTGRES_URL!, schema) };
}

/** A PostgreSQL of this test's own: initdb into a temp directory, a free port, trust auth. */
export async function privatePostgres(): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), 'satiot-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(pw.stdout.trim()), Number(gid.stdout.trim()));
    chmodSync(dir, 0o700);
  }
  const run = (cmd: string, args: string[]) => {
    const r = asRoot
      ? spawnSync('runuser', ['-u', 'postgres', '--', join(PG_BIN!, cmd), ...args], { encoding: 'utf8' })
      : spawnSync(join(PG_BIN!, cmd), args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const start = () =>
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-w',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ]);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres?schema=satiot`,
    async restart(downMs: number) {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      await sleep(downMs);
      start();
    },
    async dispose() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        /* already down */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const ADMIN_KEY = `sat_${randomBytes(24).toString('base64url')}`;
const MASTER_KEY = randomBytes(32).toString('hex');
const AUDIT_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** One `satiot serve` process. */
export class NodeProcess {
  private child: ChildProcess | undefined;
  /** Everything it wrote (tests print it when they fail). */
  output = '';

  constructor(
    readonly id: string,
    readonly port: number,
    private readonly args: readonly string[],
    private readonly dataDir: string,
    readonly udpPort?: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `semtechUdp`: also hear terrestrial gateways on a UDP port of its own (`udpPort`). */
  static async start(
    id: string,
    o: { store: string; bus: string; extra?: readonly string[]; semtechUdp?: boolean },
  ): Promise<NodeProcess> {
    const udpPort = o.semtechUdp ? await freePort() : undefined;
    const n = new NodeProcess(
      id,
      await freePort(),
      [
        '--store',
        o.store,
        '--bus',
        o.bus,
        ...(udpPort !== undefined ? ['--semtech-udp', String(udpPort)] : []),
        ...(o.extra ?? []),
      ],
      mkdtempSync(join(tmpdir(), `satiot-node-${id}-`)),
      udpPort,
    );
    await n.run();
    return n;
  }

  async run(): Promise<void> {
    this.child = spawn(
      process.execPath,
      [
        CLI,
        'serve',
        '--port',
        String(this.port),
        '--host',
        '127.0.0.1',
        '--node-id',
        this.id,
        '--data',
        this.dataDir,
        '--allow-internal-delivery',
        '--rate-limit-api',
        'off',
        '--rate-limit-station',
        'off',
        '--log-level',
        'warn',
        ...this.args,
      ],
      {
        env: {
          ...process.env,
          SATIOT_ADMIN_KEY: ADMIN_KEY,
          SATIOT_MASTER_KEY: MASTER_KEY,
          SATIOT_AUDIT_SIGNING_KEY: AUDIT_KEY,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const keep = (b: Buffer) => {
      this.output = (this.output + b.toString('utf8')).slice(-20_000);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    await until(
      async () =>
        await fetch(`${this.url}/readyz`).then(
          (r) => r.ok,
          () => false,
        ),
      `node ${this.id} ready`,
      60_000,
      100,
    );
  }

  /** kill -9: no clean stop, no lease given up. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(sig);
    await exited;
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  async api<T>(method: string, path: string, body?: unknown, key = ADMIN_KEY): Promise<{ status: number; body: T }> {
    const r = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
  }
}

export interface ClusterTerminal {
  readonly devEui: string;
  readonly devAddr: string;
  readonly keys: SessionKeys;
}

let seq = 0;

/** A terminal's registration body and its keys (AES-128). */
export function newTerminal(
  tenantId: string,
  extra: Record<string, unknown> = {},
): { body: Record<string, unknown>; t: ClusterTerminal } {
  const n = ++seq;
  const nwk = randomBytes(16),
    app = randomBytes(16);
  const devEui = randomBytes(8).toString('hex');
  const devAddr = (0x27000000 + (n << 8) + randomBytes(1)[0]!).toString(16).padStart(8, '0');
  return {
    body: { tenantId, devEui, devAddr, nwkSKey: nwk.toString('hex'), appSKey: app.toString('hex'), ...extra },
    t: { devEui, devAddr, keys: { suite: 'aes128', nwkSKey: nwk, appSKey: app } },
  };
}

/** One frame of `t` with counter `fCnt`, as a station hands it in (captured a minute ago). */
export function frame(
  t: ClusterTerminal,
  fCnt: number,
  payload = Uint8Array.from([fCnt & 0xff, 1, 2, 3]),
): Record<string, unknown> {
  const phy = buildDataFrame(
    { mtype: 'unconfirmed-data-up', devAddr: t.devAddr, fCnt32: fCnt, fPort: 9, payload },
    t.keys,
  );
  const capturedAt = Date.now() - 60_000;
  return {
    phyPayload: Buffer.from(phy).toString('base64'),
    satelliteId: 'SAT-7',
    capturedAt: new Date(capturedAt).toISOString(),
    downlinkedAt: new Date(capturedAt + 30_000).toISOString(),
    rssi: -118,
    snr: -3,
  };
}

/** Posts a batch through a station's token; the per-frame results, or undefined when the node did not answer 200. */
export async function postFrames(
  node: NodeProcess,
  token: string,
  frames: readonly Record<string, unknown>[],
): Promise<Array<{ status: string; code?: string; messageId?: string }> | undefined> {
  try {
    const r = await fetch(`${node.url}/api/v1/gateway/uplinks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ frames }),
    });
    if (r.status !== 200) return undefined;
    return ((await r.json()) as { results: Array<{ status: string; code?: string; messageId?: string }> }).results;
  } catch {
    return undefined;
  }
}
