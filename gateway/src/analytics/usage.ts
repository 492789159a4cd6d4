// Usage analytics from the call log: sums and counts in SQL (same statement on SQLite and PostgreSQL),
// p95 latency by nearest rank over the bucket's latencies, so both stores give identical numbers.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema.js';
import { type Viewer, visibleTo } from './visibility.js';

// `none`: one row per bucket, for totals whose p95 must be over every call, not a mix of per-group p95s.
export const groupings = { api: 'api_id', app: 'app_id', tenant: 'tenant_id', none: null } as const;
export const intervals = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

export interface UsageQuery {
  groupBy: keyof typeof groupings;
  interval: keyof typeof intervals;
  from: number;
  to: number;
  apiId?: string | undefined;
  appId?: string | undefined;
}

export interface UsageRow {
  bucket: string;
  key: string | null;
  calls: number;
  errors4xx: number;
  errors5xx: number;
  p95LatencyMs: number;
  bytesIn: number;
  bytesOut: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/** Nearest-rank percentile: the smallest value with at least p of the values at or below it. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

export async function usage(db: Kysely<Database>, viewer: Viewer, q: UsageQuery): Promise<UsageRow[]> {
  const column = groupings[q.groupBy];
  const width = intervals[q.interval];
  // Integer division on both engines: ts and width are integers.
  const bucket = sql<number>`(ts / ${sql.lit(width)}) * ${sql.lit(width)}`;
  const key = column ? sql<string | null>`${sql.ref(column)}` : sql<string | null>`null`;
  const groups = column ? [bucket, sql.ref(column)] : [bucket];
  let base = db
    .selectFrom('call_logs')
    .where(visibleTo(viewer))
    .where('ts', '>=', q.from)
    .where('ts', '<', q.to);
  if (q.apiId) base = base.where('api_id', '=', q.apiId);
  if (q.appId) base = base.where('app_id', '=', q.appId);

  const sums = await base
    .select([
      bucket.as('bucket'),
      key.as('key'),
      sql<number>`count(*)`.as('calls'),
      sql<number>`sum(case when status >= 400 and status < 500 then 1 else 0 end)`.as('errors4xx'),
      sql<number>`sum(case when status >= 500 then 1 else 0 end)`.as('errors5xx'),
      sql<number>`sum(bytes_in)`.as('bytesIn'),
      sql<number>`sum(bytes_out)`.as('bytesOut'),
      sql<number>`coalesce(sum(prompt_tokens), 0)`.as('promptTokens'),
      sql<number>`coalesce(sum(completion_tokens), 0)`.as('completionTokens'),
      sql<number>`coalesce(sum(cost_usd), 0)`.as('costUsd'),
    ])
    .groupBy(groups)
    .execute();

  const latencies = await base.select([bucket.as('bucket'), key.as('key'), 'latency_ms']).execute();
  const byGroup = new Map<string, number[]>();
  for (const r of latencies) {
    const id = `${Number(r.bucket)}|${r.key ?? ''}`;
    const list = byGroup.get(id) ?? [];
    list.push(Number(r.latency_ms));
    byGroup.set(id, list);
  }

  return sums
    .map((r) => {
      const list = (byGroup.get(`${Number(r.bucket)}|${r.key ?? ''}`) ?? []).sort((a, b) => a - b);
      return {
        bucket: new Date(Number(r.bucket)).toISOString(),
        key: r.key,
        calls: Number(r.calls),
        errors4xx: Number(r.errors4xx),
        errors5xx: Number(r.errors5xx),
        p95LatencyMs: percentile(list, 0.95),
        bytesIn: Number(r.bytesIn),
        bytesOut: Number(r.bytesOut),
        promptTokens: Number(r.promptTokens),
        completionTokens: Number(r.completionTokens),
        // Summing doubles in different orders differs in the last bits; micro-dollars are what is meaningful.
        costUsd: Math.round(Number(r.costUsd) * 1e6) / 1e6,
      };
    })
    .sort((a, b) => a.bucket.localeCompare(b.bucket) || (a.key ?? '').localeCompare(b.key ?? ''));
}
