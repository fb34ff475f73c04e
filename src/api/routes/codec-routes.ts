import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import type { UserCodecRecord } from '../../core/model.js';
import { fromHex } from '../../codecs/codec.js';
import { ADMINS, allow, authenticate, checkTenant, READERS, secured } from '../auth.js';
import type { AccessControl } from '../../core/access-control.js';
import { USER_CODEC_PREFIX } from '../../core/codec-catalog.js';
import { errorRef, ref } from '../schemas/index.js';
import { userCodecSchema } from '../schemas/codec.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { iso } from '../../core/iso-time.js';

const userCodecJson = (c: UserCodecRecord, withScript: boolean) => ({
  id: c.id,
  tenantId: c.tenantId,
  name: c.name,
  codec: `user:${c.id}`,
  ...(withScript ? { script: c.script } : {}),
  createdAt: iso(c.createdAt),
});

/** Payload codecs: the built-in list, tenants' own scripts, and a dry run of any codec on a payload. */
export function codecRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));

    app.get(
      '/api/v1/codecs',
      {
        schema: {
          summary: 'Built-in payload codecs',
          tags: ['codecs'],
          ...secured,
          response: {
            200: {
              type: 'object',
              required: ['items'],
              properties: {
                items: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['name', 'description'],
                    properties: { name: { type: 'string' }, description: { type: 'string' } },
                  },
                },
              },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, READERS);
        return { items: core.codecs.builtinCodecs().map((c) => ({ name: c.name, description: c.description })) };
      },
    );

    app.post<{ Body: { tenantId: string; name: string; script: string } }>(
      '/api/v1/user-codecs',
      {
        schema: {
          summary:
            "Register a tenant's own codec: JavaScript defining decodeUplink(bytes, fPort) (and optionally " +
            'encodeDownlink(object)), run in a sandbox',
          tags: ['codecs'],
          ...secured,
          body: {
            type: 'object',
            required: ['tenantId', 'name', 'script'],
            additionalProperties: false,
            properties: {
              tenantId: { type: 'string', maxLength: 64 },
              name: { type: 'string', minLength: 1, maxLength: 64 },
              script: { type: 'string', minLength: 1, maxLength: 65536 },
            },
          },
          response: { 201: ref(userCodecSchema), '4xx': errorRef },
        },
      },
      async (req, reply) => {
        checkTenant(
          req,
          req.body.tenantId,
          () => new SatiotError('TENANT_NOT_FOUND', `no tenant ${req.body.tenantId}`),
          ADMINS,
        );
        return reply.status(201).send(userCodecJson(await core.provisioning.createUserCodec(req.body), false));
      },
    );

    app.get<{ Querystring: { tenantId: string } }>(
      '/api/v1/user-codecs',
      {
        schema: {
          summary: "A tenant's user codecs",
          tags: ['codecs'],
          ...secured,
          querystring: {
            type: 'object',
            required: ['tenantId'],
            additionalProperties: false,
            properties: { tenantId: { type: 'string', maxLength: 64 } },
          },
          response: {
            200: {
              type: 'object',
              required: ['items'],
              properties: { items: { type: 'array', items: ref(userCodecSchema) } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        checkTenant(
          req,
          req.query.tenantId,
          () => new SatiotError('TENANT_NOT_FOUND', `no tenant ${req.query.tenantId}`),
        );
        return {
          items: (await core.registryQueries.listUserCodecs(req.query.tenantId)).map((c) => userCodecJson(c, false)),
        };
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/v1/user-codecs/:id',
      {
        schema: {
          summary: 'One user codec with its script',
          tags: ['codecs'],
          ...secured,
          params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } },
          response: { 200: ref(userCodecSchema), '4xx': errorRef },
        },
      },
      async (req) => {
        const notFound = () => new SatiotError('NOT_FOUND', `no user codec ${req.params.id}`);
        const c = await core.registryQueries.getUserCodec(req.params.id);
        if (!c) throw notFound();
        checkTenant(req, c.tenantId, notFound);
        return userCodecJson(c, true);
      },
    );

    app.post<{ Body: { codec: string; hex: string; fPort?: number } }>(
      '/api/v1/decode',
      {
        schema: {
          summary: 'Decode a payload with a codec (a dry run: nothing is stored)',
          tags: ['codecs'],
          ...secured,
          body: {
            type: 'object',
            required: ['codec', 'hex'],
            additionalProperties: false,
            properties: {
              codec: { type: 'string', maxLength: 80 },
              hex: { type: 'string', maxLength: 8192 },
              fPort: { type: 'integer', minimum: 0, maximum: 255 },
            },
          },
          response: {
            200: {
              type: 'object',
              required: ['decoded'],
              properties: { decoded: { type: 'object', additionalProperties: true } },
            },
            '4xx': errorRef,
          },
        },
      },
      async (req) => {
        allow(req, READERS);
        const unknown = () => new SatiotError('CODEC_UNKNOWN', `no codec ${req.body.codec}`);
        if (req.body.codec.startsWith(USER_CODEC_PREFIX)) {
          const rec = await core.registryQueries.getUserCodec(req.body.codec.slice(USER_CODEC_PREFIX.length));
          if (!rec) throw unknown();
          checkTenant(req, rec.tenantId, unknown);
        }
        const codec = await core.codecs.resolve(req.body.codec);
        if (!codec) throw unknown();
        // A CodecError is a SatiotError: the edge answers it with its code and `details.offset`.
        return { decoded: codec.decode(fromHex(req.body.hex), req.body.fPort ?? null) };
      },
    );
  };
}
