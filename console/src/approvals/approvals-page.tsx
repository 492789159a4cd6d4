// The approvals queue: pending subscriptions to the caller's APIs, with the app's name and its reason;
// approve one or many at once, reject with a reason the applicant sees.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { admin, type Item, ok } from '../api/client.js';
import { Problem } from '../shell/problem.js';
import { Actions, Drawer, Field, when } from '../shell/ui.js';

type Sub = Item<'listSubscriptions'>;

export function ApprovalsPage() {
  const cache = useQueryClient();
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [rejecting, setRejecting] = useState<Sub | null>(null);
  const pending = useQuery({
    queryKey: ['subscriptions', 'pending'],
    queryFn: async () =>
      ok(await admin.GET('/admin/v1/subscriptions', { params: { query: { status: 'pending' } } })).items,
    refetchInterval: 5000,
  });
  const decide = useMutation({
    mutationFn: async ({
      ids,
      action,
      comment,
    }: {
      ids: string[];
      action: 'approve' | 'reject';
      comment?: string;
    }) => {
      // One request per subscription: each is its own decision, and one failure must not hide the others.
      const results = await Promise.allSettled(
        ids.map(async (id) =>
          ok(
            await admin.POST(`/admin/v1/subscriptions/{id}/${action}`, {
              params: { path: { id } },
              body: comment ? { comment } : {},
            }),
          ),
        ),
      );
      const failed = results.filter((r) => r.status === 'rejected');
      if (failed.length > 0) throw (failed[0] as PromiseRejectedResult).reason;
      return results.length;
    },
    onSettled: () => {
      setPicked(new Set());
      return cache.invalidateQueries({ queryKey: ['subscriptions'] });
    },
  });
  const toggle = (id: string, on: boolean) =>
    setPicked((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const rows = pending.data ?? [];

  function reject(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const reason = String(new FormData(e.currentTarget).get('reason') ?? '').trim();
    if (!rejecting || !reason) return;
    decide.mutate({ ids: [rejecting.id], action: 'reject', comment: reason });
    setRejecting(null);
  }

  return (
    <>
      <h1>Approvals</h1>
      <Problem error={pending.error ?? decide.error} />
      {decide.isSuccess && <p role="status">Decided {decide.data} subscription(s).</p>}
      {pending.isSuccess && rows.length === 0 && <p>No subscription is waiting for approval.</p>}
      {rows.length > 0 && (
        <>
          <Actions>
            <button
              type="button"
              disabled={picked.size === 0 || decide.isPending}
              onClick={() => decide.mutate({ ids: [...picked], action: 'approve' })}
            >
              Approve selected ({picked.size})
            </button>
          </Actions>
          <table>
            <caption>Pending subscriptions</caption>
            <thead>
              <tr>
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label="Select all"
                    checked={picked.size === rows.length}
                    onChange={(e) => setPicked(e.target.checked ? new Set(rows.map((s) => s.id)) : new Set())}
                  />
                </th>
                <th scope="col">API</th>
                <th scope="col">App</th>
                <th scope="col">Reason</th>
                <th scope="col">Requested</th>
                <th scope="col">Decision</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${s.appName} for ${s.apiName}`}
                      checked={picked.has(s.id)}
                      onChange={(e) => toggle(s.id, e.target.checked)}
                    />
                  </td>
                  <td>{s.apiName}</td>
                  <td>
                    {s.appName} <small className="muted">{s.appId}</small>
                  </td>
                  <td>{s.reason ?? '—'}</td>
                  <td>{when(s.createdAt)}</td>
                  <td>
                    <Actions>
                      <button
                        type="button"
                        aria-label={`Approve ${s.appName} for ${s.apiName}`}
                        onClick={() => decide.mutate({ ids: [s.id], action: 'approve' })}
                      >
                        Approve
                      </button>
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Reject ${s.appName} for ${s.apiName}`}
                        onClick={() => setRejecting(s)}
                      >
                        Reject
                      </button>
                    </Actions>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <Drawer
        title={rejecting ? `Reject ${rejecting.appName} for ${rejecting.apiName}` : 'Reject'}
        open={rejecting !== null}
        onClose={() => setRejecting(null)}
      >
        <form onSubmit={reject} aria-label="Reject with a reason">
          <Field label="Reason (the applicant sees it)">
            <textarea name="reason" required maxLength={1000} rows={3} />
          </Field>
          <Actions>
            <button type="submit" className="danger">
              Reject
            </button>
          </Actions>
        </form>
      </Drawer>
    </>
  );
}
