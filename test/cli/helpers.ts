/**
 * Runs the built CLI (`dist/cli/main.js`, kept fresh by the integration and e2e tiers' global setup,
 * test/support/fresh-dist.ts) as a child process from the repository root, so relative fixture paths
 * resolve the same way a user's shell would.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
export const REFERENCE_TLE = 'test/fixtures/tle/reference-leo.tle';
export const REFERENCE_TLE_PATH = fileURLToPath(new URL('../fixtures/tle/reference-leo.tle', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `satiot …args`; never rejects on a non-zero exit (the exit code is part of the result). */
/** Runs the built CLI; it is killed after `timeoutMs` (default 20 s). */
export function runCli(args: readonly string[], opts: { timeoutMs?: number } = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.SATIOT_DEBUG;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: REPO_ROOT, env, timeout: opts.timeoutMs ?? 20_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(err);
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
  });
}

/** A fresh temporary directory and a function that removes it. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `satiot-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Asserts-friendly view of a failed run: the `error CODE:` line of stderr, if any. */
export function errorCode(r: CliResult): string | undefined {
  return /^error ([A-Z_]+):/m.exec(r.stderr)?.[1];
}

/** A Node stack frame line, which bad input must never print. */
export const STACK_FRAME = '    at ';
