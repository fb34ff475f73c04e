/**
 * A reference to a shared schema (src/api/schemas/index.ts), for a route's body or response or inside another schema.
 */
export function ref(schema: { readonly $id: string }): { readonly $ref: string } {
  return { $ref: `${schema.$id}#` };
}

/**
 * @fastify/swagger's `refResolver`: a shared schema is named by its `$id` in the OpenAPI document
 * (`#/components/schemas/<$id>`; the plugin's default would be `def-<n>`).
 */
export const openApiRefResolver = {
  buildLocalReference(json: { $id?: unknown }, _baseUri: unknown, _fragment: unknown, i: number): string {
    return typeof json.$id === 'string' ? json.$id : `def-${i}`;
  },
};
