// The dashboard's numbers: usage rows from GET /admin/v1/usage, bucketed on a full time axis (empty buckets
// are zero, not gaps), and the top APIs or apps over the range.
import { admin, type Item, ok } from '../api/client.js';

export type UsageRow = Item<'getUsage'>;
export type Interval = 'minute' | 'hour' | 'day';

export const RANGES = {
  '1h': { label: 'Last hour', ms: 3_600_000, interval: 'minute' },
  '24h': { label: 'Last 24 hours', ms: 86_400_000, interval: 'hour' },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000, interval: 'hour' },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000, interval: 'day' },
} as const satisfies Record<string, { label: string; ms: number; interval: Interval }>;
export type Range = keyof typeof RANGES;
export const WIDTH: Record<Interval, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** A window that ends at the current bucket's end, so the newest calls are inside it. */
export function rangeWindow(range: Range, interval: Interval, now = Date.now()) {
  const width = WIDTH[interval];
  const to = Math.floor(now / width) * width + width;
  return { from: to - Math.ceil(RANGES[range].ms / width) * width, to };
}

export async function fetchUsage(
  groupBy: 'none' | 'api' | 'app',
  interval: Interval,
  from: number,
  to: number,
) {
  return ok(
    await admin.GET('/admin/v1/usage', {
      params: { query: { groupBy, interval, from: String(from), to: String(to) } },
    }),
  ).items;
}

export interface Series {
  xs: number[];
  calls: number[];
  errorRate: (number | null)[];
  p95: (number | null)[];
  tokens: number[];
  cost: number[];
}

export function series(rows: UsageRow[], from: number, to: number, interval: Interval): Series {
  const width = WIDTH[interval];
  const at = new Map(rows.map((r) => [Date.parse(r.bucket), r]));
  const out: Series = { xs: [], calls: [], errorRate: [], p95: [], tokens: [], cost: [] };
  for (let t = from; t < to; t += width) {
    const r = at.get(t);
    out.xs.push(t / 1000);
    out.calls.push(r?.calls ?? 0);
    out.errorRate.push(r && r.calls > 0 ? (100 * (r.errors4xx + r.errors5xx)) / r.calls : null);
    out.p95.push(r ? r.p95LatencyMs : null);
    out.tokens.push(r ? r.promptTokens + r.completionTokens : 0);
    out.cost.push(r?.costUsd ?? 0);
  }
  return out;
}

export interface Totals {
  key: string | null;
  calls: number;
  errors: number;
  p95: number;
  tokens: number;
  cost: number;
}

/** Sums per key over the range (p95: the worst bucket's), biggest first. */
export function top(rows: UsageRow[], n = 5): Totals[] {
  const by = new Map<string, Totals>();
  for (const r of rows) {
    const id = r.key ?? '';
    const t = by.get(id) ?? { key: r.key, calls: 0, errors: 0, p95: 0, tokens: 0, cost: 0 };
    t.calls += r.calls;
    t.errors += r.errors4xx + r.errors5xx;
    t.p95 = Math.max(t.p95, r.p95LatencyMs);
    t.tokens += r.promptTokens + r.completionTokens;
    t.cost += r.costUsd;
    by.set(id, t);
  }
  return [...by.values()].sort((a, b) => b.calls - a.calls).slice(0, n);
}
