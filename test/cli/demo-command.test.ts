/**
 * `satiot demo` (what `npm start` runs) as a user meets it: a child process that prints a sign-in
 * link, serves the API while the twin feeds it, stops cleanly on Ctrl-C and resumes on the same data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT, tempDir } from './helpers.js';
import { until } from '../support/until.js';

interface Running {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startDemo(dataDir: string): Running {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.SATIOT_ADMIN_KEY;
  delete env.SATIOT_MASTER_KEY;
  const child = spawn(process.execPath, [CLI, 'demo', '--port', '0', '--speed', '600', '--data', dataDir], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stderr: () => err, exited };
}

describe('satiot demo', () => {
  const tmp = tempDir('demo');
  afterAll(() => tmp.cleanup());

  it('prints a one-time sign-in link, serves live traffic, stops on SIGINT and resumes', async () => {
    const first = startDemo(tmp.dir);
    try {
      const link = await until(
        () => /open\s+(http:\/\/\S+)\/#signin=(\S+)/.exec(first.stderr()) ?? undefined,
        'the sign-in link',
        40_000,
        250,
      );
      const [, base, token] = link;
      expect(first.stderr()).toMatch(/operator key \(shown once, keep it\): sat_/);

      const signIn = await fetch(`${base}/api/v1/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
      expect(signIn.status).toBe(201);
      const { key } = (await signIn.json()) as { key: string };
      const again = await fetch(`${base}/api/v1/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
      expect(again.status).toBe(401);

      const headers = { authorization: `Bearer ${key}` };
      const tenants = (await (await fetch(`${base}/api/v1/tenants`, { headers })).json()) as { items: unknown[] };
      expect(tenants.items.length).toBeGreaterThanOrEqual(3);
      // The twin's ground stations post what satellites heard: messages arrive through the real gateway.
      const from = new Date(Date.now() - 2 * 86_400_000).toISOString();
      const busy = await until(
        async () => {
          const r = (await (await fetch(`${base}/api/v1/usage?from=${from}`, { headers })).json()) as {
            items: Array<{ devEui: string | null; uplinkMessages: number }>;
          };
          return r.items.find((u) => u.devEui !== null && u.uplinkMessages > 0);
        },
        'the first messages',
        40_000,
        250,
      );
      const messages = (await (
        await fetch(`${base}/api/v1/terminals/${busy.devEui}/messages`, { headers })
      ).json()) as { items: Array<{ capturedAt: string; downlinkedAt: string; ingestedAt: string }> };
      const m = messages.items[0]!;
      expect(Date.parse(m.capturedAt)).toBeLessThanOrEqual(Date.parse(m.downlinkedAt));
      expect(Date.parse(m.downlinkedAt)).toBeLessThanOrEqual(Date.parse(m.ingestedAt));

      first.child.kill('SIGINT');
      expect(await first.exited).toBe(0);
    } finally {
      first.child.kill('SIGKILL');
    }

    const second = startDemo(tmp.dir);
    try {
      await until(() => /open\s+http/.test(second.stderr()), 'the second start', 40_000, 250);
      expect(second.stderr()).toMatch(/resumed at \d{4}-\d\d-\d\dT/);
      expect(second.stderr()).not.toMatch(/operator key \(shown once/);
      second.child.kill('SIGINT');
      expect(await second.exited).toBe(0);
    } finally {
      second.child.kill('SIGKILL');
    }
  }, 120_000);

  it("refuses to resume another scenario's twin, saying how to resume it or start afresh", async () => {
    const other = tempDir('demo-other');
    try {
      writeFileSync(
        join(other.dir, 'twin-state.json'),
        `${JSON.stringify({ scenario: 'china-trial', simTime: Date.now() })}\n`,
      );
      const run = startDemo(other.dir);
      expect(await run.exited).not.toBe(0);
      expect(run.stderr()).toMatch(
        /INVALID_ARGUMENT: .* holds the twin of scenario china-trial: resume it with --scenario china-trial, or start china-demo with a fresh --data folder/,
      );
    } finally {
      other.cleanup();
    }
  }, 60_000);
});
