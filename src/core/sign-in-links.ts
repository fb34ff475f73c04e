import { randomBytes } from 'node:crypto';
import { SatiotError } from '../errors/satiot-error.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { AccessControl } from './access-control.js';
import type { ApiKeyRecord } from './model.js';
import { sha256Hex } from './provisioning.js';

const OPERATOR = { keyId: null, role: 'operator', tenantId: null } as const;
const DAY_MS = 86_400_000;

export interface SignInLinkOptions {
  /** How long an unused link stays valid, wall-clock ms (default 1 h). */
  readonly linkTtlMs?: number;
  /** How long the operator key a link turns into lives, in the core's time (default 30 days). */
  readonly keyTtlMs?: number;
  /** The wall clock links expire by (the core's clock may be a simulated one). */
  readonly wallClock?: Clock;
}

/**
 * One-time sign-in links for the operator on the machine that runs the service: `satiot demo` prints
 * `http://…/#signin=<token>`; the dashboard trades the token once (POST /api/v1/sign-in) for an
 * operator API key of its own. Tokens live only in this process, kept as SHA-256, and die when used,
 * when they expire or when the process stops, so a link left in a terminal's scrollback is worthless
 * once it has been opened.
 */
export class SignInLinks {
  private readonly pending = new Map<string, number>();
  private readonly linkTtlMs: number;
  private readonly keyTtlMs: number;
  private readonly wall: Clock;

  constructor(
    private readonly access: AccessControl,
    private readonly coreClock: Clock,
    opts: SignInLinkOptions = {},
  ) {
    this.linkTtlMs = opts.linkTtlMs ?? 3_600_000;
    this.keyTtlMs = opts.keyTtlMs ?? 30 * DAY_MS;
    this.wall = opts.wallClock ?? systemClock;
  }

  /** A new one-time token. */
  issue(): string {
    const token = `sil_${randomBytes(24).toString('base64url')}`;
    this.pending.set(sha256Hex(token), this.wall.now() + this.linkTtlMs);
    return token;
  }

  /** Trades a token for a new operator key; the token is spent whether or not it had expired. */
  async redeem(token: string): Promise<{ record: ApiKeyRecord; key: string }> {
    const hash = sha256Hex(token);
    const expires = this.pending.get(hash);
    this.pending.delete(hash);
    if (expires === undefined || expires <= this.wall.now()) {
      throw new SatiotError(
        'UNAUTHORIZED',
        'this sign-in link is unknown, already used or expired: start a new one with `satiot demo` or sign ' +
          'in with an API key',
      );
    }
    return this.access.createKey(OPERATOR, {
      role: 'operator',
      name: 'dashboard sign-in link',
      expiresAt: this.coreClock.now() + this.keyTtlMs,
    });
  }
}
