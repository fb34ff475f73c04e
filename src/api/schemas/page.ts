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

/** A page of the store turned into that answer: each item shown by `show`, `nextCursor` only while there is more. */
export function pageAnswer<T, U>(
  page: { readonly items: readonly T[]; readonly nextCursor?: string },
  show: (item: T) => U,
): { items: U[]; nextCursor?: string } {
  return { items: page.items.map(show), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
