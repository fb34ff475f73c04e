/**
 * The delivery routes on a bare Fastify app over an in-memory SQLite delivery store and the
 * in-memory bus, authenticated by the bootstrap operator key (the isolation matrix covers tenant keys).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { openBus } from '../../src/bus/open-bus.js';
import { installErrorHandling } from '../../src/api/error-reply.js';
import { addSharedSchemas } from '../../src/api/schemas/index.js';
import { eventRoutes } from '../../src/api/routes/event-routes.js';
import { integrationRoutes } from '../../src/api/routes/integration-routes.js';
import { webhookRoutes } from '../../src/api/routes/webhook-routes.js';
import { DeliveryService, type DeliveryDeps } from '../../src/core/delivery/delivery-service.js';
import { sha256Hex } from '../../src/core/provisioning.js';
import type { Bus } from '../../src/core/ports/bus.js';
import { AccessControl } from '../../src/core/access-control.js';
import { systemClock } from '../../src/core/ports/clock.js';
import type { Store } from '../../src/core/ports/store.js';
import {
  FakePublisher,
  FakeTransport,
  TENANTS,
  deliveryDb,
  testVault,
  type DeliveryDb,
} from '../core/delivery/helpers.js';

export const KEY = 'sat_operator_test_key';
export const auth = { authorization: `Bearer ${KEY}` };

export interface DeliveryApp {
  readonly app: FastifyInstance;
  readonly svc: DeliveryService;
  readonly bus: Bus;
  readonly db: DeliveryDb;
  close(): Promise<void>;
}

/** `start`: the consumers and workers run (real sockets); otherwise the service is only built. */
export async function deliveryApp(opts: { start?: boolean; deps?: Partial<DeliveryDeps> } = {}): Promise<DeliveryApp> {
  const db = deliveryDb();
  const bus = await openBus('memory');
  const deps: DeliveryDeps = {
    store: db.store,
    bus,
    vault: testVault(),
    tenants: TENANTS,
    transport: new FakeTransport(),
    publisher: new FakePublisher(),
    ...opts.deps,
  };
  const svc = opts.start ? await DeliveryService.start(deps) : DeliveryService.create(deps);
  // The same validator options as buildApp (src/api/app.ts): unknown fields are refused, not dropped.
  const app = Fastify({
    logger: false,
    ajv: { customOptions: { allErrors: false, coerceTypes: true, removeAdditional: false } },
  });
  installErrorHandling(app);
  addSharedSchemas(app);
  // Only the bootstrap key is used here, which AccessControl checks without asking the store for keys.
  const access = new AccessControl(
    { apiKeys: { getByHash: async () => undefined } } as unknown as Store,
    systemClock,
    sha256Hex(KEY),
  );
  await app.register(webhookRoutes(svc, access));
  await app.register(integrationRoutes(svc, access));
  await app.register(eventRoutes(svc, access));
  return {
    app,
    svc,
    bus,
    db,
    async close() {
      await app.close();
      await svc.stop();
      await bus.close();
      await db.close();
    },
  };
}
