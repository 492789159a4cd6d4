// Query-string pieces every list shares: times, the page (limit + cursor) and the one rule for a time range.
import { z } from 'zod';
import { decodeCursor } from '../../analytics/keyset.js';
import { validationFailed } from '../validation.js';

/** ISO 8601 or epoch milliseconds → epoch ms. */
export const instant = z
  .string()
  .refine(
    (v) => /^\d{1,15}$/.test(v) || !Number.isNaN(Date.parse(v)),
    'must be an ISO 8601 time or epoch milliseconds',
  )
  .transform((v) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v)))
  .meta({ description: 'ISO 8601 time or epoch milliseconds' });

/** `limit` and `cursor` of a keyset-paginated list; `max` bounds a page. */
export function pageFields(max = 500, fallback = 50) {
  return {
    cursor: z.string().max(200).optional().meta({ description: 'nextCursor of the previous page' }),
    limit: z.coerce.number().int().min(1).max(max).default(fallback),
  };
}

/** The row id a cursor points after, or null for the first page; a cursor we did not issue is a 400. */
export function cursorId(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  const id = decodeCursor(cursor);
  if (id === null)
    throw validationFailed([{ in: 'query', field: 'cursor', message: 'is not one this API returned' }]);
  return id;
}

/** One rule for every time range: `from` must be before `to` (a 400 naming `from`). */
export function checkRange(from: number | undefined, to: number | undefined): void {
  if (from !== undefined && to !== undefined && from >= to) {
    throw validationFailed([{ in: 'query', field: 'from', message: 'must be before to' }]);
  }
}

/** The list shape with a cursor: `nextCursor` is null on the last page. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
