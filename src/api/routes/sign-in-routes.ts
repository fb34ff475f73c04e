import type { FastifyPluginAsync } from 'fastify';
import type { SignInLinks } from '../../core/sign-in-links.js';
import { errorRef } from '../schemas/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** One-time sign-in links, when the deployment offers them (`satiot demo`). */
    signInLinks?: SignInLinks;
  }
}

/** `POST /api/v1/sign-in`: trade a one-time link token for an operator API key (shown once). */
export function signInRoutes(links: SignInLinks): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: { token: string } }>(
      '/api/v1/sign-in',
      {
        schema: {
          summary:
            'Trade a one-time sign-in link (printed by `satiot demo`) for an operator API key; each link works once',
          tags: ['access'],
          body: {
            type: 'object',
            required: ['token'],
            additionalProperties: false,
            properties: { token: { type: 'string', minLength: 1, maxLength: 100 } },
          },
          response: {
            201: {
              type: 'object',
              required: ['key', 'role', 'expiresAt'],
              properties: {
                key: { type: 'string' },
                role: { type: 'string' },
                expiresAt: { type: ['string', 'null'] },
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req, reply) => {
        const { record, key } = await links.redeem(req.body.token);
        return reply.status(201).send({
          key,
          role: record.role,
          expiresAt: record.expiresAt === null ? null : new Date(record.expiresAt).toISOString(),
        });
      },
    );
  };
}
