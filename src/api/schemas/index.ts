import type { FastifyInstance } from 'fastify';
import { errorBodySchema } from './error.js';
import { satelliteSchema } from './satellite.js';
import { userCodecSchema } from './codec.js';
import { apiKeySchema } from './api-key.js';
import { passesSchema } from './pass.js';
import { alarmSchema, ruleSchema } from './rule.js';
import { gatewaySchema } from './terrestrial-gateway.js';
import { deadLetterSchema } from './dead-letter.js';
import { downlinkSchema } from './downlink.js';
import { decisionSchema, learnedModelSchema } from './decision.js';
import { registrationSchema } from './registration.js';
import { groundStationSchema, tenantSchema, terminalSchema } from './provisioning.js';
import {
  registrationImportResultSchema,
  registrationRowResultSchema,
  terminalBulkResultSchema,
  terminalImportResultSchema,
} from './bulk.js';
import { deliveryAttemptSchema, deliveryLogSchema, mqttIntegrationSchema, webhookSchema } from './integration.js';
import { ref } from './ref.js';

/**
 * JSON schemas more than one route answers with (or reads), each with an `$id` that is also its
 * name in the OpenAPI document (`#/components/schemas/<$id>`) and in web/src/api/api-types.ts.
 * They are added once to the root instance (`addSharedSchemas`, from buildApp) and routes point at
 * them with `ref(schema)`: validation (Ajv) and serialization (fast-json-stringify) resolve the
 * reference, so a response still carries only the fields its schema lists.
 */
export const SHARED_SCHEMAS: ReadonlyArray<{ readonly $id: string }> = [
  errorBodySchema,
  webhookSchema,
  mqttIntegrationSchema,
  deliveryAttemptSchema,
  deliveryLogSchema,
  terminalImportResultSchema,
  terminalBulkResultSchema,
  registrationRowResultSchema,
  registrationImportResultSchema,
  tenantSchema,
  terminalSchema,
  groundStationSchema,
  registrationSchema,
  decisionSchema,
  learnedModelSchema,
  ruleSchema,
  alarmSchema,
  gatewaySchema,
  downlinkSchema,
  deadLetterSchema,
  satelliteSchema,
  userCodecSchema,
  apiKeySchema,
  passesSchema,
];

/** Adds every shared schema to `app`, before its routes (child plugins see them too). */
export function addSharedSchemas(app: FastifyInstance): void {
  for (const s of SHARED_SCHEMAS) app.addSchema(s);
}

/** The error body, as every route's `4xx` (and 503) response. */
export const errorRef = ref(errorBodySchema);

export { ref, openApiRefResolver } from './ref.js';
export { errorBodySchema };
