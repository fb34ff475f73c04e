/**
 * URLs a client can mangle: a broken percent escape in the path or the query string, an escape of
 * a byte that is not UTF-8. Each is a client error with a catalogued code, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth } from '../api/api-fixture.js';
import { unlimitedApi, type SecurityApi } from './security-fixture.js';

describe('malformed URLs', () => {
  let api: SecurityApi;
  beforeAll(async () => {
    api = await unlimitedApi();
  });
  afterAll(async () => {
    await api.close();
  });

  const PATHS = [
    '/api/v1/terminals/%',
    '/api/v1/terminals/%E0%A4%A',
    '/api/v1/terminals/%zz',
    '/%',
    '/api/v1/%ff%fe',
    '/terminals/%E0%A4%A',
    '/assets/%',
  ];

  it.each(PATHS)('answers the path %s with 400 INVALID_ARGUMENT, for a key and without one', async (url) => {
    for (const headers of [auth, {}]) {
      const res = await api.app.inject({ method: 'GET', url, headers });
      expect(res.statusCode, `${url} → ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe('INVALID_ARGUMENT');
    }
  });

  // A query value's broken escape is kept as it came (the query-string parser is lenient): never a 500.
  const QUERIES = [
    '/api/v1/terminals/0102030405060708/messages?limit=%',
    '/api/v1/terminals?cursor=%E0%A4%A',
    '/api/v1/audit?action=%G1',
    '/api/v1/anomalies?kind=%ff',
  ];

  it.each(QUERIES)('answers the query %s without a server error, in the one error body when refused', async (url) => {
    const res = await api.app.inject({ method: 'GET', url, headers: auth });
    expect(res.statusCode, `${url} → ${res.body}`).toBeLessThan(500);
    if (res.statusCode >= 400) expect(res.json().error.code).toMatch(/^[A-Z_]+$/);
  });
});
