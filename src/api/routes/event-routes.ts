import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import websocket, { type WebSocket } from '@fastify/websocket';
import type { AccessControl } from '../../core/access-control.js';
import type { DeliveryService } from '../../core/delivery/delivery-service.js';
import { parseKinds, type EventFilter } from '../../core/delivery/event-filter.js';
import { SatiotError } from '../../errors/satiot-error.js';
import { bearerToken, checkTenant, MEMBERS, secured } from '../auth.js';
import { errorRef } from '../schemas/index.js';

/**
 * Bytes a client may leave unread before it is disconnected (1 MiB): a slow reader never holds events in memory for
 * long.
 */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Close code for a client that reads too slowly (RFC 6455 1013 "try again later"). */
export const CLOSE_TOO_SLOW = 1013;
/** Ping period, ms; a client that has not answered the previous ping is dropped. */
const HEARTBEAT_MS = 30_000;

interface EventQuery {
  tenantId: string;
  devEui?: string;
  kinds?: string;
  key?: string;
}

/**
 * The stream's authorisation: an API key as `Authorization: Bearer <key>` or as `?key=<key>`
 * (browsers cannot set headers on a WebSocket). Members of the tenant and operators may listen;
 * another tenant answers TENANT_NOT_FOUND as if it did not exist; regulators, who see metadata
 * only, are refused (events carry payloads).
 */
export async function authorizeEventStream(
  req: FastifyRequest<{ Querystring: EventQuery }>,
  access: AccessControl,
): Promise<void> {
  const fromQuery = req.query.key;
  const p = await access.authenticate(bearerToken(req) ?? (typeof fromQuery === 'string' ? fromQuery : undefined));
  if (!p)
    throw new SatiotError(
      'UNAUTHORIZED',
      'the event stream needs an API key as "Authorization: Bearer <key>" or "?key=<key>"',
    );
  req.principal = p;
  checkTenant(
    req,
    req.query.tenantId,
    () => new SatiotError('TENANT_NOT_FOUND', `no tenant ${req.query.tenantId}`),
    MEMBERS,
  );
}

function filterOf(q: EventQuery): EventFilter {
  const kinds = parseKinds(q.kinds);
  return { tenantId: q.tenantId, ...(q.devEui ? { devEui: q.devEui.toLowerCase() } : {}), ...(kinds ? { kinds } : {}) };
}

/**
 * `GET /api/v1/events` as a WebSocket: after a `{"kind":"ready",…}` frame, every event of the tenant
 * (optionally of one terminal, of some kinds) as one JSON text frame, the bus event unchanged. Live
 * only: nothing from before the connection, nothing replayed after a reconnect (webhooks and MQTT
 * are the durable ways). Registers @fastify/websocket unless the app already has it.
 */
export function eventRoutes(
  delivery: DeliveryService,
  access: AccessControl,
  opts: { heartbeatMs?: number } = {},
): FastifyPluginAsync {
  return async (app) => {
    // Client frames are ignored; 4 KiB bounds what one may send.
    if (!app.hasDecorator('websocketServer')) await app.register(websocket, { options: { maxPayload: 4096 } });

    app.route<{ Querystring: EventQuery }>({
      method: 'GET',
      url: '/api/v1/events',
      schema: {
        summary:
          'Live events over a WebSocket (upgrade required): uplink, decoded, alarm, downlink — one JSON ' +
          'text frame each',
        tags: ['delivery'],
        ...secured,
        querystring: {
          type: 'object',
          required: ['tenantId'],
          additionalProperties: false,
          properties: {
            // Tenant ids are bus subject tokens: no dots, wildcards or spaces.
            tenantId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
            devEui: { type: 'string', pattern: '^[0-9a-fA-F]{16}$' },
            kinds: {
              type: 'string',
              maxLength: 100,
              description: 'comma-separated: uplink,decoded,alarm,downlink (default all)',
            },
            key: { type: 'string', maxLength: 200, description: 'the API key, for clients that cannot set headers' },
          },
        },
        response: { '4xx': errorRef },
      },
      preHandler: async (req) => {
        await authorizeEventStream(req, access);
        filterOf(req.query); // a bad kind is answered before the upgrade
        await delivery.catalog.assertTenant(req.query.tenantId);
      },
      handler: async () => {
        throw new SatiotError(
          'INVALID_ARGUMENT',
          'GET /api/v1/events is a WebSocket: connect with "Upgrade: websocket"',
        );
      },
      wsHandler: (socket, req) =>
        stream(delivery, socket, filterOf(req.query), () => stillAuthorized(req, access), opts.heartbeatMs),
    });
  };
}

/** The key the stream was opened with still works (not revoked, not expired). */
async function stillAuthorized(
  req: FastifyRequest<{ Querystring: EventQuery }>,
  access: AccessControl,
): Promise<boolean> {
  try {
    await authorizeEventStream(req, access);
    return true;
  } catch {
    return false;
  }
}

/** Close code when the key that opened the stream is revoked or expires (RFC 6455 policy violation). */
export const CLOSE_KEY_INVALID = 1008;

/**
 * Serves one connection until it closes. Each heartbeat also checks the key again, so a revoked or
 * expired key stops receiving within HEARTBEAT_MS.
 */
async function stream(
  delivery: DeliveryService,
  socket: WebSocket,
  filter: EventFilter,
  authorized: () => Promise<boolean>,
  heartbeatMs = HEARTBEAT_MS,
): Promise<void> {
  let alive = true;
  const heartbeat = setInterval(() => {
    if (!alive) {
      socket.terminate();
      return;
    }
    alive = false;
    socket.ping();
    void authorized().then((ok) => {
      if (!ok && socket.readyState === socket.OPEN)
        socket.close(CLOSE_KEY_INVALID, 'the API key was revoked or has expired');
    });
  }, heartbeatMs);
  heartbeat.unref();
  socket.on('pong', () => {
    alive = true;
  });
  const send = (json: string): void => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.close(CLOSE_TOO_SLOW, 'events are not read fast enough');
      return;
    }
    socket.send(json);
  };
  // Events that arrive before the ready frame has gone out wait for it, so "ready" is always first.
  let early: string[] | undefined = [];
  const listening = delivery.stream.listen(filter, (e) => (early ? early.push(e.json) : send(e.json)));
  socket.on('close', () => {
    clearInterval(heartbeat);
    void listening.then(
      (l) => l.close(),
      () => undefined,
    );
  });
  await listening; // a failure goes to the plugin's error handler, which drops the connection
  if (socket.readyState !== socket.OPEN) return; // closed meanwhile: the close handler stops the listener
  send(
    JSON.stringify({
      kind: 'ready',
      tenantId: filter.tenantId,
      devEui: filter.devEui ?? null,
      kinds: filter.kinds ?? null,
    }),
  );
  const waiting = early;
  early = undefined;
  for (const json of waiting) send(json);
}
