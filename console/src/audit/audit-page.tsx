// The audit log: every admin write (who, what, on which object, before and after), newest first, filtered
// by action or object, older pages on demand.
import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { admin, type Item, ok } from '../api/client.js';
import { Problem } from '../shell/problem.js';
import { Actions, Drawer, Field, Head, when } from '../shell/ui.js';

type Entry = Item<'listAudit'>;
type Filters = { action?: string; targetType?: string; targetId?: string };

export function AuditPage() {
  const [filters, setFilters] = useState<Filters>({});
  const [open, setOpen] = useState<Entry | null>(null);
  const audit = useInfiniteQuery({
    queryKey: ['audit', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      ok(
        await admin.GET('/admin/v1/audit', {
          params: { query: { limit: 50, ...filters, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const entries = audit.data?.pages.flatMap((p) => p.items) ?? [];
  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const next: Filters = {};
    for (const k of ['action', 'targetType', 'targetId'] as const) {
      const v = String(data.get(k) ?? '').trim();
      if (v) next[k] = v;
    }
    setFilters(next);
  }

  return (
    <>
      <h1>Audit log</h1>
      <form className="filters" aria-label="Filter the audit log" onSubmit={apply}>
        <Field label="Action" hint="e.g. createApi, approveSubscription">
          <input name="action" maxLength={64} />
        </Field>
        <Field label="Object type" hint="e.g. api, subscription">
          <input name="targetType" maxLength={40} />
        </Field>
        <Field label="Object id">
          <input name="targetId" maxLength={64} />
        </Field>
        <Actions>
          <button type="submit">Apply filters</button>
        </Actions>
      </form>
      <Problem error={audit.error} />
      <table>
        <caption>Admin writes, newest first</caption>
        <Head cols={['Time', 'Who', 'Action', 'Object', 'From', 'Change']} />
        <tbody>
          {audit.isSuccess && entries.length === 0 && (
            <tr>
              <td colSpan={6}>Nothing recorded with these filters.</td>
            </tr>
          )}
          {entries.map((e) => (
            <tr key={e.id}>
              <td>{when(e.ts)}</td>
              <td>{e.actor.label ?? e.actor.id ?? e.actor.kind}</td>
              <td>{e.action}</td>
              <td>
                {e.target.type} <code>{e.target.id}</code>
              </td>
              <td>{e.ip ?? '—'}</td>
              <td>
                <button type="button" aria-label={`Change ${e.id}`} onClick={() => setOpen(e)}>
                  Before / after
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {audit.hasNextPage && (
        <button type="button" onClick={() => audit.fetchNextPage()} disabled={audit.isFetchingNextPage}>
          Load older entries
        </button>
      )}
      <Drawer
        title={open ? `${open.action} ${open.target.id ?? ''}` : 'Change'}
        open={open !== null}
        onClose={() => setOpen(null)}
      >
        {open && (
          <div className="columns">
            <section aria-label="Before">
              <h3>Before</h3>
              <pre>{JSON.stringify(open.before, null, 2)}</pre>
            </section>
            <section aria-label="After">
              <h3>After</h3>
              <pre>{JSON.stringify(open.after, null, 2)}</pre>
            </section>
          </div>
        )}
      </Drawer>
    </>
  );
}
