import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl } from '../../core/access-control.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { authenticate, checkTenant, secured } from '../auth.js';
import { errorRef } from '../schemas/index.js';

const limit = { type: ['integer', 'null'], minimum: 0, maximum: 1e12 } as const;
const statusSchema = {
  type: 'object',
  required: ['tenantId', 'quota', 'month', 'used', 'exceeded', 'refusesDownlinks'],
  properties: {
    tenantId: { type: 'string' },
    quota: {
      type: ['object', 'null'],
      properties: {
        monthlyUplinkMessages: limit,
        monthlyDownlinks: limit,
        action: { type: 'string' },
        updatedAt: { type: 'string' },
      },
    },
    month: { type: 'string' },
    used: { type: 'object', properties: { uplinkMessages: { type: 'integer' }, downlinks: { type: 'integer' } } },
    exceeded: { type: 'object', properties: { uplinkMessages: { type: 'boolean' }, downlinks: { type: 'boolean' } } },
    refusesDownlinks: { type: 'boolean' },
  },
} as const;

/** Monthly quotas per tenant: operators set them, the tenant and regulators read how much is used. */
export function quotaRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    const params = { type: 'object', properties: { tenantId: { type: 'string', maxLength: 64 } } } as const;
    const status = async (tenantId: string) => {
      const s = await core.quotas.status(tenantId);
      return { tenantId, ...s, quota: s.quota && { ...s.quota, updatedAt: new Date(s.quota.updatedAt).toISOString() } };
    };

    app.get<{ Params: { tenantId: string } }>(
      '/api/v1/tenants/:tenantId/quota',
      {
        schema: {
          summary: "A tenant's monthly quota and this month's use",
          tags: ['usage'],
          ...secured,
          params,
          response: { 200: statusSchema, '4xx': errorRef },
        },
      },
      async (req) => {
        checkTenant(
          req,
          req.params.tenantId,
          () => new SatiotError('TENANT_NOT_FOUND', `no tenant ${req.params.tenantId}`),
        );
        await core.registryQueries.requireTenant(req.params.tenantId);
        return status(req.params.tenantId);
      },
    );

    app.put<{
      Params: { tenantId: string };
      Body: {
        monthlyUplinkMessages?: number | null;
        monthlyDownlinks?: number | null;
        action: 'warn' | 'refuse-downlinks';
      };
    }>(
      '/api/v1/tenants/:tenantId/quota',
      {
        schema: {
          summary: "Set a tenant's monthly quota (null: no limit) and what happens when it is used up",
          tags: ['usage'],
          ...secured,
          params,
          body: {
            type: 'object',
            required: ['action'],
            additionalProperties: false,
            properties: {
              monthlyUplinkMessages: limit,
              monthlyDownlinks: limit,
              action: { type: 'string', enum: ['warn', 'refuse-downlinks'] },
            },
          },
          response: { 200: statusSchema, '4xx': errorRef },
        },
      },
      async (req) => {
        checkTenant(
          req,
          req.params.tenantId,
          () => new SatiotError('TENANT_NOT_FOUND', `no tenant ${req.params.tenantId}`),
          ['operator'],
        );
        await core.registryQueries.requireTenant(req.params.tenantId);
        const b = req.body;
        await core.quotas.save({
          tenantId: req.params.tenantId,
          monthlyUplinkMessages: b.monthlyUplinkMessages ?? null,
          monthlyDownlinks: b.monthlyDownlinks ?? null,
          action: b.action,
        });
        return status(req.params.tenantId);
      },
    );
  };
}
