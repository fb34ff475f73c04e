import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/ports/clock.js';
import { openApi, type ApiFixture } from './api-fixture.js';

describe('one-time sign-in links', () => {
  let api: ApiFixture;
  const wall = new ManualClock(Date.parse('2026-11-27T00:00:00Z'));
  beforeEach(async () => {
    api = await openApi({}, { signInLinks: { wallClock: wall, linkTtlMs: 60_000 } });
  });
  afterEach(() => api.close());

  const redeem = (token: string) => api.app.inject({ method: 'POST', url: '/api/v1/sign-in', payload: { token } });

  it('turns a link into an operator key that works, once', async () => {
    const token = api.app.signInLinks!.issue();
    const first = await redeem(token);
    expect(first.statusCode).toBe(201);
    const { key, role, expiresAt } = first.json();
    expect(role).toBe('operator');
    expect(Date.parse(expiresAt)).toBeGreaterThan(api.f.clock.now());
    const tenants = await api.app.inject({
      method: 'GET',
      url: '/api/v1/tenants',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(tenants.statusCode).toBe(200);

    const again = await redeem(token);
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('UNAUTHORIZED');
  });

  it('refuses an expired link and a made-up one', async () => {
    const token = api.app.signInLinks!.issue();
    wall.advance(60_001);
    expect((await redeem(token)).json().error.code).toBe('UNAUTHORIZED');
    expect((await redeem('sil_made_up')).statusCode).toBe(401);
    expect((await redeem('')).statusCode).toBe(400);
  });

  it('is not offered unless the deployment asks for it', async () => {
    const plain = await openApi();
    try {
      expect(plain.app.signInLinks).toBeUndefined();
      expect(
        (await plain.app.inject({ method: 'POST', url: '/api/v1/sign-in', payload: { token: 'x' } })).statusCode,
      ).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
