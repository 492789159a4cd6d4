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

const badCursor = () =>
  validationFailed([{ in: 'query', field: 'cursor', message: 'is not one this API returned' }]);

/** The row id a cursor points after, or null for the first page; a cursor we did not issue is a 400. */
export function cursorId(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  const id = decodeCursor(cursor);
  if (id === null) throw badCursor();
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

/** A list's query: equality filters on the items' fields (or membership, for a list field), `limit` (default 100) and `cursor`; nothing else. */
export function listQuery<F extends z.ZodRawShape>(filters: F) {
  return z.object({ ...filters, ...pageFields(500, 100) }).strict();
}

type Listed = { id: string; createdAt?: string };

/** A filter matches a field equal to it, or a list field naming it (`auth=jwt` finds `["key", "jwt"]`). */
const matches = (field: unknown, wanted: unknown) =>
  field === wanted || (Array.isArray(field) && field.includes(wanted));

const sortKey = (item: Listed) => `${item.createdAt ?? ''}|${item.id}`;

/**
 * One page of a configuration list (small and in memory): the items every given filter matches, oldest first by
 * (createdAt, id), after the cursor. The cursor names a position, not an item, so deleting one is harmless.
 */
export function paged<T extends Listed>(
  all: readonly T[],
  query: { limit: number; cursor?: string | undefined } & Record<string, unknown>,
): { items: T[]; nextCursor: string | null } {
  const { limit, cursor, ...filters } = query;
  const set = Object.entries(filters).filter(([, v]) => v !== undefined);
  let after = '';
  if (cursor !== undefined) {
    const m = /^k:(.{1,200})$/s.exec(Buffer.from(cursor, 'base64url').toString());
    if (!m) throw badCursor();
    after = m[1]!;
  }
  const rest = all
    .filter((item) => set.every(([k, v]) => matches((item as Record<string, unknown>)[k], v)))
    .map((item) => ({ item, key: sortKey(item) }))
    .filter((x) => x.key > after)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const page = rest.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((x) => x.item),
    nextCursor: rest.length > limit && last ? Buffer.from(`k:${last.key}`).toString('base64url') : null,
  };
}
