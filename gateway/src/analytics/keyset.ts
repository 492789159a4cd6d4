// Newest-first pages of an append-only table (call logs, audit log): keyset pagination on the row id, which
// grows with insertion order, so a page is stable while rows keep arriving.
import { type SelectQueryBuilder, sql } from 'kysely';

export interface Window {
  from?: number;
  to?: number;
  limit: number;
}

export function encodeCursor(id: number): string {
  return Buffer.from(`id:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): number | null {
  const m = /^id:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? Number(m[1]) : null;
}

/** `ts` in [from, to), ids below the cursor, newest first; `nextCursor` is null on the last page. */
export async function newestFirst<DB, TB extends keyof DB, Row extends { id: unknown }, Item>(
  query: SelectQueryBuilder<DB, TB, Row>,
  w: Window,
  cursorId: number | null,
  view: (row: Row) => Item,
): Promise<{ items: Item[]; nextCursor: string | null }> {
  let q = query;
  if (w.from !== undefined) q = q.where(sql.ref('ts'), '>=', w.from);
  if (w.to !== undefined) q = q.where(sql.ref('ts'), '<', w.to);
  if (cursorId !== null) q = q.where(sql.ref('id'), '<', cursorId);
  const rows = await q
    .orderBy(sql.ref('id'), 'desc')
    .limit(w.limit + 1)
    .execute();
  const page = rows.slice(0, w.limit);
  return {
    items: page.map(view),
    nextCursor: rows.length > w.limit ? encodeCursor(Number(page[page.length - 1]!.id)) : null,
  };
}
