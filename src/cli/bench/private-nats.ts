import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SatiotError } from '../../errors/satiot-error.js';

/** Where Debian and the NATS release put the server. */
const CANDIDATES = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];

/**
 * A NATS server with JetStream of a benchmark's own (`--bus nats-local`): a free port, a store in a
 * temporary directory, removed when stopped. A benchmark on a shared server would meet the durable
 * consumers (and their backlog) of earlier runs and deployments; a fresh one measures this run.
 */
export class PrivateNats {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
  ) {}

  static async start(): Promise<PrivateNats> {
    const bin = [process.env.NATS_SERVER ?? '', ...CANDIDATES].find((p) => p !== '' && existsSync(p));
    if (!bin)
      throw new SatiotError(
        'INVALID_ARGUMENT',
        '--bus nats-local needs the nats-server binary (apt install nats-server, or NATS_SERVER=/path)',
      );
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer()
        .once('error', reject)
        .listen(0, '127.0.0.1', () => {
          const p = (s.address() as AddressInfo).port;
          s.close(() => resolve(p));
        });
    });
    const dir = mkdtempSync(join(tmpdir(), 'satiot-bench-nats-'));
    const child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
    const until = Date.now() + 10_000;
    while (!(await open(port))) {
      if (Date.now() > until || child.exitCode !== null) {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new SatiotError('INTERNAL', `nats-server did not start on port ${port}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return new PrivateNats(child, dir, `nats://127.0.0.1:${port}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function open(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}
