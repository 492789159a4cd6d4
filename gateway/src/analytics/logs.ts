// Call-log listing: filters, newest first, keyset pagination on the row id (stable under concurrent inserts).
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { type Viewer, visibleTo } from './visibility.js';

export interface LogFilter {
  apiId?: string;
  appId?: string;
  /** An exact status (404) or a class (`4xx`). */
  status?: string;
  from?: number;
  to?: number;
  cursor?: string;
  limit: number;
}

export function encodeCursor(id: number): string {
  return Buffer.from(`id:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): number | null {
  const m = /^id:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? Number(m[1]) : null;
}

export async function listCallLogs(
  db: Kysely<Database>,
  viewer: Viewer,
  f: LogFilter,
  cursorId: number | null,
) {
  let q = db.selectFrom('call_logs').selectAll().where(visibleTo(viewer));
  if (f.apiId) q = q.where('api_id', '=', f.apiId);
  if (f.appId) q = q.where('app_id', '=', f.appId);
  if (f.status) {
    const cls = /^([1-5])xx$/.exec(f.status);
    q = cls
      ? q.where('status', '>=', Number(cls[1]) * 100).where('status', '<', Number(cls[1]) * 100 + 100)
      : q.where('status', '=', Number(f.status));
  }
  if (f.from !== undefined) q = q.where('ts', '>=', f.from);
  if (f.to !== undefined) q = q.where('ts', '<', f.to);
  if (cursorId !== null) q = q.where('id', '<', cursorId);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const page = rows.slice(0, f.limit);
  return {
    items: page.map((r) => ({
      id: Number(r.id),
      ts: new Date(Number(r.ts)).toISOString(),
      requestId: r.request_id,
      tenantId: r.tenant_id,
      apiId: r.api_id,
      appId: r.app_id,
      appTenantId: r.app_tenant_id,
      subscriptionId: r.subscription_id,
      method: r.method,
      path: r.path,
      status: r.status,
      latencyMs: r.latency_ms,
      upstreamLatencyMs: r.upstream_latency_ms,
      bytesIn: Number(r.bytes_in),
      bytesOut: Number(r.bytes_out),
      clientIp: r.client_ip,
      errorKind: r.error_kind,
      model: r.model,
      promptTokens: r.prompt_tokens,
      completionTokens: r.completion_tokens,
      costUsd: r.cost_usd,
      attempts: r.attempts ? (JSON.parse(r.attempts) as unknown[]) : null,
    })),
    nextCursor: rows.length > f.limit ? encodeCursor(Number(page[page.length - 1]!.id)) : null,
  };
}
