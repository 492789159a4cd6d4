// The dashboard: requests, error rate, p95 latency, tokens and cost over a chosen range, and the top APIs
// and apps, all from GET /admin/v1/usage. The chart library loads with this page only.
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useNames } from '../api/names.js';
import { Problem } from '../shell/problem.js';
import { Field, Head, millis, num, usd } from '../shell/ui.js';
import {
  fetchUsage,
  type Interval,
  RANGES,
  type Range,
  rangeWindow,
  series,
  type Totals,
  top,
  WIDTH,
} from './usage.js';

const TimeChart = lazy(() => import('./time-chart.js'));
const INTERVALS: Interval[] = ['minute', 'hour', 'day'];
// Axis ticks of counts: whole numbers only (a tick at 0.5 requests reads as nonsense).
const count = (v: number) => (Number.isInteger(v) ? v.toLocaleString() : '');
const pct = (v: number) => `${v.toFixed(1)}%`;
const ms = (v: number) => `${Math.round(v)} ms`;
const money = (v: number) => `$${Number(v.toPrecision(2))}`;

export function DashboardPage() {
  const [range, setRange] = useState<Range>('24h');
  const [interval, setPer] = useState<Interval>(RANGES['24h'].interval);
  // Minute buckets over more than a day would be thousands of points: that pair is not offered.
  const allowed = INTERVALS.filter(
    (i) => RANGES[range].ms / WIDTH[i] <= 1500 && RANGES[range].ms / WIDTH[i] >= 1,
  );
  const { from, to } = useMemo(() => rangeWindow(range, interval), [range, interval]);
  const key = [range, interval, from];
  const totals = useQuery({
    queryKey: ['usage', 'none', ...key],
    queryFn: () => fetchUsage('none', interval, from, to),
    refetchInterval: 10_000,
  });
  const byApi = useQuery({
    queryKey: ['usage', 'api', ...key],
    queryFn: () => fetchUsage('api', 'day', from, to),
    refetchInterval: 10_000,
  });
  const byApp = useQuery({
    queryKey: ['usage', 'app', ...key],
    queryFn: () => fetchUsage('app', 'day', from, to),
    refetchInterval: 10_000,
  });
  const names = useNames();
  const s = useMemo(() => series(totals.data ?? [], from, to, interval), [totals.data, from, to, interval]);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const calls = sum(s.calls);
  const errors = sum((totals.data ?? []).map((r) => r.errors4xx + r.errors5xx));
  const p95 = Math.max(0, ...(totals.data ?? []).map((r) => r.p95LatencyMs));
  const tokens = sum(s.tokens);
  const cost = sum(s.cost);
  // One chart per measure; the series arrays are memoised with `s`, so a chart redraws only on new data.
  const charts = useMemo(
    () =>
      [
        { title: 'Requests', values: s.calls, color: '#2f5fb3', format: count, summary: `${calls} requests` },
        {
          title: 'Error rate (4xx and 5xx)',
          values: s.errorRate,
          color: '#b3261e',
          format: pct,
          summary: `${errors} errors`,
        },
        {
          title: 'p95 latency',
          values: s.p95,
          color: '#7a4cb0',
          format: ms,
          summary: `worst ${millis(p95)}`,
        },
        { title: 'Tokens', values: s.tokens, color: '#1d7a55', format: count, summary: `${tokens} tokens` },
        { title: 'Cost', values: s.cost, color: '#9a6700', format: money, summary: usd(cost) },
      ].map(({ values, color, ...c }) => ({ ...c, lines: [{ label: c.title, values, color }] })),
    [s, calls, errors, p95, tokens, cost],
  );

  return (
    <>
      <h1>Dashboard</h1>
      <div className="toolbar">
        <Field label="Time range">
          <select
            value={range}
            onChange={(e) => {
              const r = e.target.value as Range;
              setRange(r);
              setPer(RANGES[r].interval);
            }}
          >
            {(Object.keys(RANGES) as Range[]).map((r) => (
              <option key={r} value={r}>
                {RANGES[r].label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Per">
          <select value={interval} onChange={(e) => setPer(e.target.value as Interval)}>
            {allowed.map((i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Problem error={totals.error ?? byApi.error ?? byApp.error} />
      <ul className="tiles" aria-label="Totals over the range">
        <li>
          <span>Requests</span>
          <strong data-testid="total-requests">{totals.isSuccess ? calls.toLocaleString() : '…'}</strong>
        </li>
        <li>
          <span>Error rate</span>
          <strong>{calls ? pct((100 * errors) / calls) : '—'}</strong>
        </li>
        <li>
          <span>p95 latency (worst {interval})</span>
          <strong>{totals.data?.length ? millis(p95) : '—'}</strong>
        </li>
        <li>
          <span>Tokens</span>
          <strong>{tokens.toLocaleString()}</strong>
        </li>
        <li>
          <span>Cost</span>
          <strong>{usd(cost)}</strong>
        </li>
      </ul>
      <Suspense fallback={<p>Loading charts…</p>}>
        <div className="charts">
          {charts.map((c) => (
            <TimeChart key={c.title} xs={s.xs} {...c} />
          ))}
        </div>
      </Suspense>
      <div className="columns">
        <TopTable caption="Top APIs" rows={top(byApi.data ?? [])} name={names.api} />
        <TopTable caption="Top apps" rows={top(byApp.data ?? [])} name={names.app} />
      </div>
    </>
  );
}

function TopTable({
  caption,
  rows,
  name,
}: {
  caption: string;
  rows: Totals[];
  name: (id: string | null) => string;
}) {
  return (
    <table>
      <caption>{caption}</caption>
      <Head cols={['Name', 'Requests', 'Errors', 'p95', 'Tokens', 'Cost']} />
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={6}>No calls in this range.</td>
          </tr>
        )}
        {rows.map((r) => (
          <tr key={r.key ?? ''}>
            <td>{name(r.key)}</td>
            <td>{num(r.calls)}</td>
            <td>{num(r.errors)}</td>
            <td>{millis(r.p95)}</td>
            <td>{num(r.tokens)}</td>
            <td>{usd(r.cost)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
