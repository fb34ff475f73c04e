import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import { coreFixture, type CoreFixture } from '../support/core-fixture.js';

describe('the dashboard served at /', () => {
  let root: string;
  let f: CoreFixture;
  let app: FastifyInstance;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'satiot-web-root-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>satiot</title><div id="root"></div>');
    writeFileSync(join(root, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'satiot-outside.txt'), 'secret');
    f = await coreFixture();
    app = await buildApp({ core: f.core, adminKeyHash: sha256Hex('k'), webRoot: root });
  });
  afterAll(async () => {
    await app.close();
    await f.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("serves index.html at / and for the client's routes, revalidated", async () => {
    for (const url of ['/', '/terminals/70b3d50000000001', '/kpis?x=1']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root">');
    }
  });

  it('serves hashed assets as immutable', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/app-1234.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.body).toBe('console.log(1)');
  });

  it('keeps the API, its documents, health and metrics, and answers unknown API paths with the JSON 404', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain('satiot_');
    expect((await app.inject({ method: 'GET', url: '/api/openapi.json' })).json().openapi).toMatch(/^3\./);
    expect((await app.inject({ method: 'GET', url: '/api/docs/json' })).json().paths['/api/v1/kpis']).toBeDefined();
    expect((await app.inject({ method: 'GET', url: '/api/docs/' })).statusCode).toBe(200);
    const unknown = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'NOT_FOUND']);
    const post = await app.inject({ method: 'POST', url: '/somewhere', payload: {} });
    expect([post.statusCode, post.json().error.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('never serves a file outside its folder', async () => {
    for (const url of ['/../satiot-outside.txt', '/%2e%2e/satiot-outside.txt', '/assets/../../satiot-outside.txt']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.body, url).not.toContain('secret');
    }
  });

  it('says how to build the dashboard when it is not built', async () => {
    const bare = await buildApp({ core: f.core, adminKeyHash: sha256Hex('k'), webRoot: join(root, 'missing') });
    const res = await bare.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('npm run build');
    await bare.close();
  });
});
