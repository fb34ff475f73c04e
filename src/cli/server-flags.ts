import type { Command } from 'commander';
import { parseChoice } from './options.js';

/** The flags of a command that talks to a running server. */
export interface Conn {
  url: string;
  key?: string;
  format: string;
}

/** Adds --url, --key and --format to a command that talks to a running server. */
export function withConn(c: Command): Command {
  return c
    .option('--url <url>', 'the running server', process.env.SATIOT_URL ?? 'http://127.0.0.1:8080')
    .option('--key <key>', 'API key (default: SATIOT_ADMIN_KEY)')
    .option('--format <table|json>', 'output format', 'table');
}

/** Writes the answer as JSON or as the table `table()` draws, per --format. */
export function print(format: string, json: unknown, table: () => string): void {
  process.stdout.write(
    parseChoice(format, '--format', ['table', 'json'] as const) === 'json'
      ? `${JSON.stringify(json, null, 2)}\n`
      : table(),
  );
}
