import { SatiotError } from '../../errors/satiot-error.js';

/**
 * The opaque keyset cursor of a listing: the last row's sort key (a time in ms and an id), tagged
 * with the listing it belongs to, as base64url JSON.
 */
export interface CursorKey {
  readonly at: number;
  readonly id: string;
}

export function encodeCursor(listing: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify([listing, key.at, key.id]), 'utf8').toString('base64url');
}

/** Throws SatiotError('INVALID_ARGUMENT') for anything this listing did not hand out. */
export function decodeCursor(listing: string, cursor: string): CursorKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 3 &&
    parsed[0] === listing &&
    Number.isSafeInteger(parsed[1]) &&
    typeof parsed[2] === 'string'
  ) {
    return { at: parsed[1] as number, id: parsed[2] };
  }
  throw new SatiotError('INVALID_ARGUMENT', 'The cursor is not valid for this listing.', { cursor });
}

/** The largest page any listing returns. */
export const MAX_PAGE_SIZE = 1000;

/** Refuses a page size outside 1…MAX_PAGE_SIZE (INVALID_ARGUMENT). */
export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new SatiotError('INVALID_ARGUMENT', `The page size must be an integer from 1 to ${MAX_PAGE_SIZE}.`, {
      limit,
    });
  }
}
