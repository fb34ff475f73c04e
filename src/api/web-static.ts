import { existsSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';

/**
 * Where `npm run build` puts the dashboard (vite build → dist/web). The same path from src/api (tests
 * under tsx) and dist/api (the built server): both are two levels below the package root.
 */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** Paths that belong to the API and its documents: an unknown one answers the JSON 404, never the app. */
const SERVER_PATHS = /^\/(api|metrics|healthz)(\/|$|\?)/;

/**
 * The dashboard's static bundle at `/`. Files under the root are served as they are (hashed assets
 * for a year, the rest revalidated); any other GET outside the API answers index.html so the client's
 * routes (`/terminals/…`) survive a reload. Without a built bundle `/` explains how to build it.
 */
export function webStatic(root: string = DEFAULT_WEB_ROOT): FastifyPluginAsync {
  return async (app) => {
    const built = existsSync(join(root, 'index.html'));
    // Cache headers are set per answer below (hashed assets forever, the rest revalidated).
    if (built) await app.register(fastifyStatic, { root, serve: false, cacheControl: false });
    app.get('/*', { schema: { hide: true } }, async (req, reply) => {
      const path = decodedPath(req.url);
      if (path === undefined) {
        return reply
          .status(400)
          .send({ error: { code: 'INVALID_ARGUMENT', message: 'the URL holds a malformed percent escape' } });
      }
      if (SERVER_PATHS.test(path)) {
        return reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url}` } });
      }
      if (!built) {
        return reply
          .status(404)
          .type('text/plain; charset=utf-8')
          .send('The dashboard is not built: run `npm run build`.\n');
      }
      const rel = normalize(path)
        .replace(/^(\.\.[/\\])+/, '')
        .replace(/^\/+/, '');
      const file = join(root, rel);
      if (rel !== '' && file.startsWith(root) && existsSync(file) && statSync(file).isFile()) {
        const immutable = rel.startsWith('assets/');
        return reply
          .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
          .sendFile(rel);
      }
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  };
}

/**
 * The URL's path with its percent escapes decoded; undefined when one does not decode (`%`, `%zz`, a cut UTF-8
 * sequence).
 */
function decodedPath(url: string): string | undefined {
  try {
    return decodeURIComponent(url.split('?')[0] ?? '/');
  } catch {
    return undefined;
  }
}
