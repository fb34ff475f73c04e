/**
 * The answer of a paged listing: `{ items, nextCursor? }`, `nextCursor` present while there is more
 * (pass it back as `cursor`). `item` is the schema of one item, usually `ref(someSchema)`.
 */
export function pageOf(item: object): object {
  return {
    type: 'object',
    required: ['items'],
    properties: { items: { type: 'array', items: item }, nextCursor: { type: 'string' } },
  };
}
