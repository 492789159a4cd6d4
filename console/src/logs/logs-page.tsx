// The call log explorer: filters (status, API, app, time, request id), newest first with older pages on
// demand, a live tail that polls the newest page, and a drawer with one call's timings, attempts and tokens.
import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { admin, type Item, ok } from '../api/client.js';
import { useNames } from '../api/names.js';
import { Problem } from '../shell/problem.js';
import { Actions, Field, Head, millis } from '../shell/ui.js';
import { CallDetail } from './call-detail.js';

export type Call = Item<'listCallLogs'>;
interface Filters {
  status?: string;
  apiId?: string;
  appId?: string;
  requestId?: string;
  from?: string;
  to?: string;
}

/** The form's values as the query: empty fields left out, local times as ISO instants. */
function read(form: HTMLFormElement): Filters {
  const data = new FormData(form);
  const out: Filters = {};
  for (const k of ['status', 'apiId', 'appId', 'requestId'] as const) {
    const v = String(data.get(k) ?? '').trim();
    if (v) out[k] = v;
  }
  for (const k of ['from', 'to'] as const) {
    const v = String(data.get(k) ?? '');
    if (v) out[k] = new Date(v).toISOString();
  }
  return out;
}

export function LogsPage() {
  const [filters, setFilters] = useState<Filters>({});
  const [live, setLive] = useState(true);
  const [open, setOpen] = useState<Call | null>(null);
  const names = useNames();
  const logs = useInfiniteQuery({
    queryKey: ['logs', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      ok(
        await admin.GET('/admin/v1/logs', {
          params: { query: { limit: 50, ...filters, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // The live tail: the loaded pages are fetched again every 2 s, so new calls appear on top.
    refetchInterval: live ? 2000 : false,
  });
  const calls = logs.data?.pages.flatMap((p) => p.items) ?? [];
  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setFilters(read(e.currentTarget));
  };

  return (
    <>
      <h1>Call log</h1>
      <form
        className="filters"
        aria-label="Filter calls"
        onSubmit={apply}
        onChange={(e) => {
          if (e.target instanceof HTMLSelectElement) setFilters(read(e.currentTarget));
        }}
      >
        <Field label="Status">
          <select name="status" defaultValue="">
            <option value="">any</option>
            {['2xx', '3xx', '4xx', '5xx'].map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </Field>
        <Field label="API">
          <select name="apiId" defaultValue="">
            <option value="">any</option>
            {names.apis.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="App id">
          <input name="appId" list="known-apps" maxLength={64} />
        </Field>
        <datalist id="known-apps">
          {names.apps.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </datalist>
        <Field label="Request id">
          <input name="requestId" maxLength={200} />
        </Field>
        <Field label="From">
          <input name="from" type="datetime-local" />
        </Field>
        <Field label="To">
          <input name="to" type="datetime-local" />
        </Field>
        <Actions>
          <button type="submit">Apply filters</button>
        </Actions>
      </form>
      <label className="check">
        <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Live tail (every
        2 s)
      </label>
      <Problem error={logs.error} />
      <table>
        <caption>Newest calls first</caption>
        <Head cols={['Time', 'Method', 'Path', 'Status', 'API', 'App', 'Latency', 'Request id']} />
        <tbody>
          {logs.isSuccess && calls.length === 0 && (
            <tr>
              <td colSpan={8}>No call matches these filters.</td>
            </tr>
          )}
          {calls.map((l) => (
            <tr key={l.id}>
              <td>{new Date(l.ts).toLocaleString()}</td>
              <td>{l.method}</td>
              <td>
                <code>{l.path}</code>
              </td>
              <td className={l.status >= 500 ? 'bad' : l.status >= 400 ? 'warn' : undefined}>{l.status}</td>
              <td>{names.api(l.apiId)}</td>
              <td>{l.appId ? names.app(l.appId) : '—'}</td>
              <td>{millis(l.latencyMs)}</td>
              <td>
                <button type="button" className="link" onClick={() => setOpen(l)}>
                  {l.requestId}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {logs.hasNextPage && (
        <button type="button" onClick={() => logs.fetchNextPage()} disabled={logs.isFetchingNextPage}>
          Load older calls
        </button>
      )}
      <CallDetail call={open} onClose={() => setOpen(null)} api={names.api} app={names.app} />
    </>
  );
}
