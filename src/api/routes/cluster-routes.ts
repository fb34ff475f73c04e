import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import type { AccessControl } from '../../core/access-control.js';
import { authenticate, allow, SUPERVISORS, secured } from '../auth.js';
import { errorRef } from '../schemas/index.js';
import { iso } from '../../core/iso-time.js';

const clusterSchema = {
  type: 'object',
  required: ['node', 'nodes', 'leases', 'outbox', 'consumers', 'deadLetters', 'bus', 'store'],
  properties: {
    node: { type: 'string', description: 'the node that answered' },
    nodes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['nodeId', 'state', 'host', 'pid', 'version', 'startedAt', 'heartbeatAt', 'leases'],
        properties: {
          nodeId: { type: 'string' },
          address: { type: ['string', 'null'] },
          host: { type: 'string' },
          pid: { type: 'integer' },
          version: { type: 'string' },
          state: {
            type: 'string',
            enum: ['up', 'stopped', 'lost'],
            description: 'lost: no heartbeat for 10 s (killed, or cut off)',
          },
          startedAt: { type: 'string' },
          heartbeatAt: { type: 'string' },
          leases: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    leases: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'holder', 'epoch', 'expiresAt'],
        properties: {
          name: { type: 'string' },
          holder: { type: ['string', 'null'], description: 'null: expired, free to take' },
          epoch: { type: 'integer' },
          acquiredAt: { type: 'string' },
          expiresAt: { type: 'string' },
        },
      },
    },
    outbox: {
      type: 'object',
      required: ['pending', 'oldestAgeMs'],
      properties: {
        pending: { type: 'integer', description: 'events not yet published' },
        oldestAgeMs: { type: ['integer', 'null'] },
        publishedHere: { type: 'integer' },
        relayHere: { type: 'boolean' },
      },
    },
    consumers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['consumer', 'pending', 'unacknowledged'],
        properties: { consumer: { type: 'string' }, pending: { type: 'integer' }, unacknowledged: { type: 'integer' } },
      },
    },
    deadLetters: { type: 'object', required: ['open'], properties: { open: { type: 'integer' } } },
    bus: {
      type: 'object',
      required: ['kind', 'connected'],
      properties: { kind: { type: 'string' }, connected: { type: 'boolean' } },
    },
    store: { type: 'object', required: ['backend'], properties: { backend: { type: 'string' } } },
  },
} as const;

/**
 * The cluster as one view: nodes and their heartbeats, leases, outbox and consumer lag, dead letters (operators and
 * regulators).
 */
export function clusterRoutes(core: Core, access: AccessControl): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', authenticate(access));
    app.get(
      '/api/v1/cluster',
      {
        schema: {
          summary: 'Nodes, leases held, outbox and consumer lag, dead letters',
          tags: ['cluster'],
          ...secured,
          response: { 200: clusterSchema, '4xx': errorRef },
        },
      },
      async (req) => {
        allow(req, SUPERVISORS);
        const s = await core.cluster.status();
        return {
          ...s,
          nodes: s.nodes.map((n) => ({ ...n, startedAt: iso(n.startedAt), heartbeatAt: iso(n.heartbeatAt) })),
          leases: s.leases.map((l) => ({ ...l, acquiredAt: iso(l.acquiredAt), expiresAt: iso(l.expiresAt) })),
        };
      },
    );
  };
}
