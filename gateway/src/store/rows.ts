// Row ↔ domain conversion for the tables whose columns hold JSON.
import type { Api, Plan } from '../domain/types.js';
import type { ApiTable, PlanTable } from './schema.js';

export function apiFromRow(row: ApiTable): Api {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    basePath: row.base_path,
    host: row.host,
    kind: row.kind as Api['kind'],
    // Several methods are stored comma-separated (store/repos/apis.ts).
    auth: row.auth.includes(',') ? row.auth.split(',') : row.auth,
    visibility: row.visibility as Api['visibility'],
    approval: row.approval as Api['approval'],
    status: row.status as Api['status'],
    targets: JSON.parse(row.targets),
    timeoutMs: Number(row.timeout_ms),
    retries: Number(row.retries),
    maxBodyBytes: Number(row.max_body_bytes),
    settings: JSON.parse(row.settings),
    tags: JSON.parse(row.tags),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function planFromRow(row: PlanTable): Plan {
  return {
    id: row.id,
    apiId: row.api_id,
    name: row.name,
    rateLimit: row.rate_limit ? JSON.parse(row.rate_limit) : null,
    quota: row.quota ? JSON.parse(row.quota) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The unique route identity of an API: host (lower-case, or empty) + base path. */
export function routeKey(host: string | null, basePath: string): string {
  return `${(host ?? '').toLowerCase()}|${basePath}`;
}
