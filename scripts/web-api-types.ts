// Writes web/src/api/api-types.ts, the dashboard's types of the API operations it calls, from the
// OpenAPI document the server generates from its route schemas:
//   npm run web:api-types
// test/web/api-types.test.ts regenerates it in memory and fails when the committed file differs,
// so a changed route schema cannot drift from the client silently.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/api/app.js';
import { Core } from '../src/core/core.js';
import { KeyVault } from '../src/core/key-vault.js';
import { sha256Hex } from '../src/core/provisioning.js';
import { openStore } from '../src/store/open-store.js';
import { openBus } from '../src/bus/open-bus.js';
import { HttpWebhookTransport } from '../src/integrations/http-webhook-transport.js';
import { MqttIntegrationPublisher } from '../src/integrations/mqtt-integration-publisher.js';

export const API_TYPES_PATH = fileURLToPath(new URL('../web/src/api/api-types.ts', import.meta.url));

/** The operations the dashboard calls ("METHOD /path" as in the OpenAPI document). */
export const DASHBOARD_OPERATIONS = [
  'GET /api/v1/session',
  'POST /api/v1/sign-in',
  'GET /api/v1/tenants',
  'GET /api/v1/terminals',
  'GET /api/v1/terminals/{devEui}',
  'GET /api/v1/terminals/{devEui}/messages',
  'GET /api/v1/terminals/{devEui}/track',
  'GET /api/v1/terminals/{devEui}/passes',
  'GET /api/v1/terminals/{devEui}/downlinks',
  'POST /api/v1/terminals/{devEui}/downlinks',
  'GET /api/v1/downlinks/{id}',
  'GET /api/v1/satellites',
  'GET /api/v1/satellites/tracks',
  'GET /api/v1/satellites/elements',
  'POST /api/v1/plan/coverage',
  'GET /api/v1/ground-stations',
  'GET /api/v1/gateways',
  'GET /api/v1/alarms',
  'POST /api/v1/alarms/{id}/acknowledge',
  'POST /api/v1/alarms/{id}/clear',
  'GET /api/v1/rules',
  'GET /api/v1/terminals/{devEui}/forecast',
  'GET /api/v1/terminals/{devEui}/anomalies',
  'GET /api/v1/terminals/{devEui}/next-message',
  'GET /api/v1/decisions',
  'GET /api/v1/decisions/policy',
  'PUT /api/v1/decisions/policy',
  'POST /api/v1/decisions/{id}/approve',
  'POST /api/v1/decisions/{id}/reject',
  'POST /api/v1/decisions/{id}/undo',
  'GET /api/v1/ingest/rejections',
  'GET /api/v1/kpis',
  'GET /api/v1/usage',
  'GET /api/v1/registrations/review-queue',
  'POST /api/v1/registrations/review',
  'GET /api/v1/cluster',
  'GET /api/v1/dead-letters',
  'POST /api/v1/dead-letters/{id}/replay',
  'GET /api/v1/attention',
  'GET /api/v1/webhooks',
  'PATCH /api/v1/webhooks/{id}',
  'GET /api/v1/integrations/mqtt',
  'PATCH /api/v1/integrations/mqtt/{id}',
  'GET /api/v1/ground-stations/{id}/passes',
  'GET /api/v1/models/{id}',
  'GET /api/v1/network/traffic',
] as const;

type Schema = Record<string, unknown>;
const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));

const COMPONENT = '#/components/schemas/';

/** The type name of a shared schema (`#/components/schemas/<$id>`, src/api/schemas), if `s` is a reference to one. */
export function refName(s: Schema | undefined): string | undefined {
  const r = s?.['$ref'];
  return typeof r === 'string' && r.startsWith(COMPONENT)
    ? r.slice(COMPONENT.length).replace(/[^\w$]/g, '_')
    : undefined;
}

/** A TypeScript type for a JSON schema (the subset route schemas use); a shared schema is named. */
export function tsType(s: Schema | undefined, indent = ''): string {
  if (!s || Object.keys(s).length === 0) return 'unknown';
  const named = refName(s);
  if (named) return named;
  if (Array.isArray(s['enum'])) return (s['enum'] as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  const types = Array.isArray(s['type'])
    ? (s['type'] as string[])
    : s['type']
      ? [s['type'] as string]
      : s['properties']
        ? ['object']
        : [];
  if (types.length === 0) return 'unknown';
  // OpenAPI 3.0 writes `type: [T, 'null']` as `type: T, nullable: true`.
  if (s['nullable'] === true && !types.includes('null')) types.push('null');
  return types
    .map((t) => {
      switch (t) {
        case 'string':
          return 'string';
        case 'integer':
        case 'number':
          return 'number';
        case 'boolean':
          return 'boolean';
        case 'null':
          return 'null';
        case 'array': {
          const inner = tsType(s['items'] as Schema | undefined, indent);
          return /[|&]/.test(inner) ? `Array<${inner}>` : `${inner}[]`;
        }
        case 'object': {
          const props = (s['properties'] ?? {}) as Record<string, Schema>;
          const required = new Set((s['required'] ?? []) as string[]);
          const inner = indent + '  ';
          const lines = Object.entries(props).map(
            ([k, v]) => `${inner}${key(k)}${required.has(k) ? '' : '?'}: ${tsType(v, inner)};`,
          );
          if (
            s['additionalProperties'] === true ||
            (Object.keys(props).length === 0 && s['additionalProperties'] !== false)
          )
            lines.push(`${inner}[key: string]: unknown;`);
          return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : 'Record<string, never>';
        }
        default:
          return 'unknown';
      }
    })
    .join(' | ');
}

interface Operation {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** The shared schemas `schemas` reference, directly or through one another, by name. */
function referencedComponents(doc: OpenApiDocument, schemas: ReadonlyArray<Schema | undefined>): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const r = (v as Schema)['$ref'];
    if (typeof r === 'string' && r.startsWith(COMPONENT)) {
      const name = r.slice(COMPONENT.length);
      if (found.has(name)) return;
      found.add(name);
      walk(doc.components?.schemas?.[name]);
    }
    Object.values(v).forEach(walk);
  };
  schemas.forEach(walk);
  return [...found].sort();
}

/** The generated module's text for an OpenAPI document. */
export function apiTypesSource(doc: OpenApiDocument): string {
  const out: string[] = [
    '// Generated by scripts/web-api-types.ts from the OpenAPI document (GET /api/openapi.json): do not edit.',
    '// Regenerate with `npm run web:api-types`; test/web/api-types.test.ts fails when this file is stale.',
    '',
  ];
  const ops: string[] = [
    '/** Path and query parameters, request body and success response of each operation the dashboard calls. */',
    'export interface ApiOperations {',
  ];
  const used: Array<Schema | undefined> = [];
  for (const op of DASHBOARD_OPERATIONS) {
    const [method, path] = op.split(' ') as [string, string];
    const o = doc.paths?.[path]?.[method.toLowerCase()];
    if (!o) continue; // not served by this build: the client calls it untyped and degrades on 404
    const params = (o.parameters ?? []).filter((p) => p.in === 'path');
    const query = (o.parameters ?? []).filter((p) => p.in === 'query');
    const obj = (ps: typeof params) =>
      ps.length
        ? `{ ${ps.map((p) => `${key(p.name)}${p.required ? '' : '?'}: ${tsType(p.schema)}`).join('; ')} }`
        : 'Record<string, never>';
    const body = o.requestBody?.content?.['application/json']?.schema;
    const okCode = Object.keys(o.responses ?? {}).find((c) => /^2\d\d$/.test(c));
    const res = okCode ? o.responses?.[okCode]?.content?.['application/json']?.schema : undefined;
    used.push(...[...params, ...query].map((p) => p.schema), body, res);
    ops.push(`  ${JSON.stringify(op)}: {`);
    ops.push(`    params: ${obj(params)};`);
    ops.push(`    query: ${obj(query)};`);
    ops.push(`    body: ${body ? tsType(body, '    ') : 'undefined'};`);
    ops.push(`    response: ${res ? tsType(res, '    ') : 'undefined'};`);
    ops.push('  };');
  }
  ops.push('}', '');
  // The shared schemas (src/api/schemas) these operations use, each once under its own name.
  for (const name of referencedComponents(doc, used)) {
    out.push(`export type ${refName({ $ref: COMPONENT + name })} = ${tsType(doc.components?.schemas?.[name])};`, '');
  }
  return [...out, ...ops].join('\n');
}

/** The OpenAPI document of a full server (every plugin registered), built in memory. */
export async function openApiDocument(): Promise<OpenApiDocument> {
  const store = await openStore('sqlite::memory:', { dataDir: '/nonexistent' });
  const core = await Core.start({
    store,
    bus: await openBus('memory'),
    vault: new KeyVault(randomBytes(32)),
    delivery: { transport: new HttpWebhookTransport(), publisher: new MqttIntegrationPublisher() },
  });
  const app = await buildApp({
    core,
    adminKeyHash: sha256Hex(randomBytes(16).toString('hex')),
    signInLinks: true,
    webRoot: false,
  });
  try {
    await app.ready();
    return app.swagger() as OpenApiDocument;
  } finally {
    await app.close();
    await core.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(API_TYPES_PATH, apiTypesSource(await openApiDocument()));
  console.log(`wrote ${API_TYPES_PATH}`);
}
