// Plans of an API: rate limit and quotas a subscription gets; created, listed and deleted here.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { admin, ok } from '../api/client.js';
import { useApis } from '../api/names.js';
import { Problem } from '../shell/problem.js';
import { Actions, Field, Head, num, resetOnSuccess } from '../shell/ui.js';

/** A number field's value, or undefined when left empty (unlimited). */
const n = (f: FormData, k: string) => (String(f.get(k) ?? '') === '' ? undefined : Number(f.get(k)));

export function PlansPage() {
  const cache = useQueryClient();
  const apis = useApis();
  const [picked, setPicked] = useState('');
  const apiId = picked || apis.data?.[0]?.id || '';
  const plans = useQuery({
    queryKey: ['plans', apiId],
    enabled: apiId !== '',
    queryFn: async () =>
      ok(await admin.GET('/admin/v1/apis/{id}/plans', { params: { path: { id: apiId } } })).items,
  });
  const refresh = () => cache.invalidateQueries({ queryKey: ['plans', apiId] });
  const create = useMutation({
    mutationFn: async (f: FormData) => {
      const rps = n(f, 'rps');
      const quota = { requestsPerDay: n(f, 'perDay'), tokensPerDay: n(f, 'tokensPerDay') };
      return ok(
        await admin.POST('/admin/v1/apis/{id}/plans', {
          params: { path: { id: apiId } },
          body: {
            name: String(f.get('name')),
            ...(rps ? { rateLimit: { requestsPerSecond: rps, burst: n(f, 'burst') ?? Math.ceil(rps) } } : {}),
            ...(quota.requestsPerDay || quota.tokensPerDay ? { quota } : {}),
          },
        }),
      );
    },
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: async (id: string) =>
      ok(await admin.DELETE('/admin/v1/plans/{id}', { params: { path: { id } } })),
    onSuccess: refresh,
  });

  return (
    <>
      <h1>Plans</h1>
      <Field label="API">
        <select value={apiId} onChange={(e) => setPicked(e.target.value)}>
          {apis.data?.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </Field>
      <Problem error={apis.error ?? plans.error ?? remove.error} />
      <table>
        <caption>Plans of the API (empty means unlimited)</caption>
        <Head cols={['Name', 'Requests/s', 'Burst', 'Requests/day', 'Tokens/day', 'Actions']} />
        <tbody>
          {plans.data?.map((p) => (
            <tr key={p.id}>
              <td>{p.name}</td>
              <td>{num(p.rateLimit?.requestsPerSecond)}</td>
              <td>{num(p.rateLimit?.burst)}</td>
              <td>{num(p.quota?.requestsPerDay)}</td>
              <td>{num(p.quota?.tokensPerDay)}</td>
              <td>
                <button
                  type="button"
                  className="danger"
                  aria-label={`Delete plan ${p.name}`}
                  onClick={() => remove.mutate(p.id)}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {apiId && (
        <form aria-label="Create a plan" className="inline" onSubmit={resetOnSuccess(create)}>
          <Field label="Plan name">
            <input name="name" required maxLength={100} />
          </Field>
          <Field label="Requests per second">
            <input name="rps" type="number" min={0.001} step="any" />
          </Field>
          <Field label="Burst">
            <input name="burst" type="number" min={1} step={1} />
          </Field>
          <Field label="Requests per day">
            <input name="perDay" type="number" min={1} step={1} />
          </Field>
          <Field label="Tokens per day">
            <input name="tokensPerDay" type="number" min={1} step={1} />
          </Field>
          <Actions>
            <button type="submit">Create plan</button>
          </Actions>
          <Problem error={create.error} />
        </form>
      )}
    </>
  );
}
