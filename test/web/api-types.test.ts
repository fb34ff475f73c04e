import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import {
  API_TYPES_PATH,
  apiTypesSource,
  DASHBOARD_OPERATIONS,
  openApiDocument,
  refName,
  tsType,
} from '../../scripts/web-api-types.js';

describe("the dashboard's API types", () => {
  it('match the OpenAPI document the server generates (regenerate with `npm run web:api-types`)', async () => {
    const doc = await openApiDocument();
    expect(readFileSync(API_TYPES_PATH, 'utf8')).toBe(apiTypesSource(doc));
    // Every operation the dashboard calls is served by this build.
    for (const op of DASHBOARD_OPERATIONS) {
      const [method, path] = op.split(' ') as [string, string];
      expect(doc.paths?.[path]?.[method.toLowerCase()], op).toBeDefined();
    }
  }, 30_000);

  it('is a valid OpenAPI 3.1 document (3.1 reads route schemas as JSON Schema: `exclusiveMinimum: 0` is valid there)', async () => {
    const validator = new Validator();
    const result = await validator.validate((await openApiDocument()) as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  }, 30_000);

  it('turns route schemas into TypeScript: required and optional fields, nullable, enums, arrays, open objects', () => {
    expect(
      tsType({
        type: 'object',
        required: ['a'],
        properties: {
          a: { type: 'integer' },
          b: { type: 'string', nullable: true },
          c: { type: 'array', items: { enum: ['x', 'y'] } },
          d: { type: 'object', additionalProperties: true },
        },
      }),
    ).toBe(
      '{\n  a: number;\n  b?: string | null;\n  c?: Array<"x" | "y">;\n  d?: {\n    [key: string]: unknown;\n  };\n}',
    );
    expect(tsType({ type: ['array', 'null'], items: { type: 'number' } })).toBe('number[] | null');
    expect(tsType(undefined)).toBe('unknown');
  });

  it('names the shared schemas (src/api/schemas) and declares each one the operations use once', () => {
    expect(tsType({ type: 'array', items: { $ref: '#/components/schemas/Webhook' } })).toBe('Webhook[]');
    expect(refName({ $ref: '#/components/schemas/Error-Body' })).toBe('Error_Body');
    const src = apiTypesSource({
      paths: {
        '/api/v1/webhooks': {
          get: {
            responses: {
              200: {
                content: {
                  'application/json': {
                    schema: { type: 'object', properties: { items: { $ref: '#/components/schemas/Page' } } },
                  },
                },
              },
            },
          },
        },
      },
      components: {
        schemas: {
          Page: { type: 'array', items: { $ref: '#/components/schemas/Webhook' } },
          Webhook: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
          Unused: { type: 'string' },
        },
      },
    });
    expect(src).toContain('export type Page = Webhook[];');
    expect(src).toContain('export type Webhook = {\n  id: string;\n};');
    expect(src).not.toContain('Unused');
    expect(src).toContain('response: {\n      items?: Page;\n    };');
  });
});
