import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach } from 'vitest';
import { buildApp, type AppOptions } from '../../src/api/app.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import { coreFixture, type CoreFixture } from '../support/core-fixture.js';

/** The bootstrap operator key of the test apps, and its header. */
export const KEY = 'sat_operator_test_key';
export const auth = { authorization: `Bearer ${KEY}` };

export interface ApiFixture {
  readonly f: CoreFixture;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/** A core fixture with the whole HTTP app on it (no socket: tests use inject()). */
export async function openApi(
  opts: Parameters<typeof coreFixture>[0] = {},
  app0: Pick<AppOptions, 'eventHeartbeatMs' | 'signInLinks'> = {},
): Promise<ApiFixture> {
  const f = await coreFixture(opts);
  const app = await buildApp({ core: f.core, adminKeyHash: sha256Hex(KEY), ...app0 });
  return {
    f,
    app,
    close: async () => {
      await app.close();
      await f.close();
    },
  };
}

/** An API key of `role` made through the API with the operator key (the key itself). */
export async function keyFor(app: FastifyInstance, role: string, tenantId?: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/api-keys',
    headers: auth,
    payload: { role, ...(tenantId ? { tenantId } : {}) },
  });
  return res.json().key as string;
}

/**
 * An app per test of the enclosing describe: `api.f` and `api.app` are fresh in each test and
 * closed after it.
 */
export function useApi(opts: Parameters<typeof coreFixture>[0] | (() => Parameters<typeof coreFixture>[0]) = {}): {
  f: CoreFixture;
  app: FastifyInstance;
} {
  const api = {} as { f: CoreFixture; app: FastifyInstance; close: () => Promise<void> };
  beforeEach(async () => {
    Object.assign(api, await openApi(typeof opts === 'function' ? opts() : opts));
  });
  afterEach(() => api.close());
  return api;
}
