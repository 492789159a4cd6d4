// APIs: the list, a create form, and the lifecycle actions (publish, deprecate, retire).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { admin, ok } from '../api/client.js';
import { Problem } from '../shell/problem.js';

const NEXT_ACTIONS = {
  draft: ['publish', 'retire'],
  published: ['deprecate', 'retire'],
  deprecated: ['publish', 'retire'],
  retired: [],
} as const;

export function ApisPage() {
  const cache = useQueryClient();
  const apis = useQuery({
    queryKey: ['apis'],
    queryFn: async () => ok(await admin.GET('/admin/v1/apis')).items,
  });
  // Only the platform token lists tenants; a tenant token creates in its own tenant.
  const tenants = useQuery({
    queryKey: ['tenants'],
    queryFn: async () => (await admin.GET('/admin/v1/tenants')).data?.items ?? [],
  });
  const create = useMutation({
    mutationFn: async (form: FormData) => {
      const tenantId = String(form.get('tenantId') ?? '') || undefined;
      return ok(
        await admin.POST('/admin/v1/apis', {
          body: {
            ...(tenantId ? { tenantId } : {}),
            name: String(form.get('name')),
            basePath: String(form.get('basePath')),
            visibility: form.get('visibility') === 'public' ? 'public' : 'private',
            targets: [{ url: String(form.get('target')) }],
          },
        }),
      );
    },
    onSuccess: () => cache.invalidateQueries({ queryKey: ['apis'] }),
  });
  const act = useMutation({
    mutationFn: async ({ id, action }: { id: string; action: 'publish' | 'deprecate' | 'retire' }) =>
      ok(await admin.POST(`/admin/v1/apis/{id}/${action}`, { params: { path: { id } } })),
    onSuccess: () => cache.invalidateQueries({ queryKey: ['apis'] }),
  });

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    create.mutate(new FormData(e.currentTarget));
  }

  return (
    <>
      <h1>APIs</h1>
      <Problem error={apis.error ?? act.error} />
      <table>
        <caption>Every API you can manage</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Base path</th>
            <th scope="col">Status</th>
            <th scope="col">Visibility</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {apis.data?.map((api) => (
            <tr key={api.id}>
              <td>{api.name}</td>
              <td>
                <code>{api.basePath}</code>
              </td>
              <td>{api.status}</td>
              <td>{api.visibility}</td>
              <td>
                {NEXT_ACTIONS[api.status].map((action) => (
                  <button
                    key={action}
                    type="button"
                    aria-label={`${action} ${api.name}`}
                    onClick={() => act.mutate({ id: api.id, action })}
                  >
                    {action}
                  </button>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Create an API</h2>
      <form onSubmit={submit} aria-label="Create an API">
        {tenants.data && tenants.data.length > 0 && (
          <>
            <label htmlFor="tenantId">Tenant</label>
            <select id="tenantId" name="tenantId" required>
              {tenants.data.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </>
        )}
        <label htmlFor="api-name">Name</label>
        <input id="api-name" name="name" required maxLength={100} />
        <label htmlFor="api-base-path">Base path</label>
        <input id="api-base-path" name="basePath" required placeholder="/orders" pattern="/.*" />
        <label htmlFor="api-target">Upstream URL</label>
        <input id="api-target" name="target" type="url" required placeholder="http://orders:8080" />
        <label htmlFor="api-visibility">Visibility</label>
        <select id="api-visibility" name="visibility" defaultValue="private">
          <option value="private">private</option>
          <option value="public">public (in the catalog)</option>
        </select>
        <button type="submit" disabled={create.isPending}>
          Create
        </button>
        <Problem error={create.error} />
        {create.isSuccess && <p role="status">Created {create.data.name} as a draft.</p>}
      </form>
    </>
  );
}
