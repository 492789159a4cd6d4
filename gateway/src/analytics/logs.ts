// Call-log listing: filters, newest first, keyset pagination on the row id (stable under concurrent inserts).
import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema.js';
import { newestFirst } from './keyset.js';
import { type Viewer, visibleTo } from './visibility.js';

export interface LogFilter {
  apiId?: string;
  appId?: string;
  subscriptionId?: string;
  requestId?: string;
  clientRequestId?: string;
  method?: string;
  /** Paths starting with this. */
  pathPrefix?: string;
  /** An exact status (404) or a class (`4xx`). */
  status?: string;
  /** An inclusive status range, alone or with `status`. */
  statusMin?: number;
  statusMax?: number;
  from?: number;
  to?: number;
  cursor?: string;
  limit: number;
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
  if (f.subscriptionId) q = q.where('subscription_id', '=', f.subscriptionId);
  if (f.requestId) q = q.where('request_id', '=', f.requestId);
  if (f.clientRequestId) q = q.where('client_request_id', '=', f.clientRequestId);
  if (f.method) q = q.where('method', '=', f.method);
  // substr, not LIKE (no wildcards to escape) nor a range (collation-dependent on PostgreSQL).
  if (f.pathPrefix) q = q.where(sql`substr(path, 1, ${f.pathPrefix.length})`, '=', f.pathPrefix);
  if (f.statusMin !== undefined) q = q.where('status', '>=', f.statusMin);
  if (f.statusMax !== undefined) q = q.where('status', '<=', f.statusMax);
  if (f.status) {
    const cls = /^([1-5])xx$/.exec(f.status);
    q = cls
      ? q.where('status', '>=', Number(cls[1]) * 100).where('status', '<', Number(cls[1]) * 100 + 100)
      : q.where('status', '=', Number(f.status));
  }
  return newestFirst(q, f, cursorId, (r) => ({
    id: Number(r.id),
    ts: new Date(Number(r.ts)).toISOString(),
    requestId: r.request_id,
    clientRequestId: r.client_request_id,
    tenantId: r.tenant_id,
    apiId: r.api_id,
    appId: r.app_id,
    appTenantId: r.app_tenant_id,
    subscriptionId: r.subscription_id,
    authMethod: r.auth_method,
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
    cache: r.ai_cache,
    masked: r.masked ? (JSON.parse(r.masked) as Record<string, Record<string, number>>) : null,
  }));
}
