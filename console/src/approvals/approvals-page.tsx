// The approvals queue: pending subscriptions to the caller's APIs, approved or rejected with a comment.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { admin, ok } from '../api/client.js';
import { Problem } from '../shell/problem.js';

export function ApprovalsPage() {
  const cache = useQueryClient();
  const [comment, setComment] = useState('');
  const pending = useQuery({
    queryKey: ['subscriptions', 'pending'],
    queryFn: async () =>
      ok(await admin.GET('/admin/v1/subscriptions', { params: { query: { status: 'pending' } } })).items,
  });
  const apis = useQuery({
    queryKey: ['apis'],
    queryFn: async () => ok(await admin.GET('/admin/v1/apis')).items,
  });
  const decide = useMutation({
    mutationFn: async ({ id, action }: { id: string; action: 'approve' | 'reject' }) =>
      ok(
        await admin.POST(`/admin/v1/subscriptions/{id}/${action}`, {
          params: { path: { id } },
          body: comment ? { comment } : {},
        }),
      ),
    onSuccess: () => cache.invalidateQueries({ queryKey: ['subscriptions'] }),
  });
  const apiName = (id: string) => apis.data?.find((a) => a.id === id)?.name ?? id;

  return (
    <>
      <h1>Approvals</h1>
      <Problem error={pending.error ?? decide.error} />
      <label htmlFor="decision-comment">Comment sent with the decision</label>
      <input
        id="decision-comment"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        maxLength={1000}
      />
      {pending.data?.length === 0 && <p>No subscription is waiting for approval.</p>}
      {pending.data && pending.data.length > 0 && (
        <table>
          <caption>Pending subscriptions</caption>
          <thead>
            <tr>
              <th scope="col">API</th>
              <th scope="col">App</th>
              <th scope="col">Reason</th>
              <th scope="col">Requested</th>
              <th scope="col">Decision</th>
            </tr>
          </thead>
          <tbody>
            {pending.data.map((s) => (
              <tr key={s.id}>
                <td>{apiName(s.apiId)}</td>
                <td>
                  <code>{s.appId}</code>
                </td>
                <td>{s.reason ?? '—'}</td>
                <td>{new Date(s.createdAt).toLocaleString()}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Approve ${s.appId} for ${apiName(s.apiId)}`}
                    onClick={() => decide.mutate({ id: s.id, action: 'approve' })}
                  >
                    Approve
                  </button>
                  <button
                    type="button"
                    aria-label={`Reject ${s.appId} for ${apiName(s.apiId)}`}
                    onClick={() => decide.mutate({ id: s.id, action: 'reject' })}
                  >
                    Reject
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
