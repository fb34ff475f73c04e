import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import { coreFixture, type CoreFixture } from '../support/core-fixture.js';
import { KEY } from '../api/api-fixture.js';

export interface SecurityApi {
  readonly f: CoreFixture;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * The whole app on a core fixture, without the per-key request-rate limit: the fuzzing and
 * injection runs send thousands of requests a minute with one key, which the limit would turn into
 * 429s before they reach the routes under test (the limits are tested on their own). For the same
 * reason every suspicious input gets its own audit record, not one per source a minute
 * (the aggregation is tested in unauthenticated-noise.test.ts).
 */
export async function unlimitedApi(opts: Parameters<typeof coreFixture>[0] = {}): Promise<SecurityApi> {
  const f = await coreFixture(opts);
  const app = await buildApp({
    core: f.core,
    adminKeyHash: sha256Hex(KEY),
    limits: { api: false, station: false },
    suspiciousInputAudit: false,
  });
  return {
    f,
    app,
    close: async () => {
      await app.close();
      await f.close();
    },
  };
}
