// Tenants (platform admins): create one, and issue or revoke its tokens with a role; a new token is shown once.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { admin, ok } from '../api/client.js';
import { Problem } from '../shell/problem.js';
import { Actions, Field, Head, resetOnSuccess, Secret, when } from '../shell/ui.js';
import { Members, ROLES } from './members.js';
import { useTenants } from './tenant-select.js';

export function TenantsPage() {
  const cache = useQueryClient();
  const tenants = useTenants();
  const [chosen, setChosen] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: async (f: FormData) =>
      ok(await admin.POST('/admin/v1/tenants', { body: { name: String(f.get('name')) } })),
    onSuccess: (t) => {
      setChosen(t.id);
      return cache.invalidateQueries({ queryKey: ['tenants'] });
    },
  });
  if (tenants.isSuccess && tenants.data.length === 0 && !create.isSuccess)
    return (
      <>
        <h1>Tenants</h1>
        <p>Only a platform admin lists and creates tenants.</p>
      </>
    );
  const tenant = tenants.data?.find((t) => t.id === chosen);
  return (
    <>
      <h1>Tenants</h1>
      <Problem error={tenants.error} />
      <table>
        <caption>Every tenant</caption>
        <Head cols={['Name', 'Id', 'Created', 'People and tokens']} />
        <tbody>
          {tenants.data?.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>
                <code>{t.id}</code>
              </td>
              <td>{when(t.createdAt)}</td>
              <td>
                <button
                  type="button"
                  aria-label={`People and tokens of ${t.name}`}
                  onClick={() => setChosen(t.id)}
                >
                  People and tokens
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tenant && <Members key={`m-${tenant.id}`} tenantId={tenant.id} name={tenant.name} />}
      {tenant && <Tokens tenantId={tenant.id} name={tenant.name} />}
      <form aria-label="Create a tenant" className="inline" onSubmit={resetOnSuccess(create)}>
        <Field label="Tenant name">
          <input name="name" required maxLength={100} />
        </Field>
        <Actions>
          <button type="submit">Create tenant</button>
        </Actions>
        <Problem error={create.error} />
      </form>
    </>
  );
}

function Tokens({ tenantId, name }: { tenantId: string; name: string }) {
  const cache = useQueryClient();
  const key = ['tokens', tenantId];
  const tokens = useQuery({
    queryKey: key,
    queryFn: async () =>
      ok(await admin.GET('/admin/v1/tenants/{id}/tokens', { params: { path: { id: tenantId } } })).items,
  });
  const issue = useMutation({
    mutationFn: async (f: FormData) =>
      ok(
        await admin.POST('/admin/v1/tenants/{id}/tokens', {
          params: { path: { id: tenantId } },
          body: {
            role: ROLES.find((r) => r === f.get('role')) ?? 'viewer',
            ...(f.get('name') ? { name: String(f.get('name')) } : {}),
          },
        }),
      ),
    onSuccess: () => cache.invalidateQueries({ queryKey: key }),
  });
  const revoke = useMutation({
    mutationFn: async (tokenId: string) =>
      ok(
        await admin.DELETE('/admin/v1/tenants/{id}/tokens/{tokenId}', {
          params: { path: { id: tenantId, tokenId } },
        }),
      ),
    onSuccess: () => cache.invalidateQueries({ queryKey: key }),
  });
  return (
    <section className="panel" aria-label={`Tokens of ${name}`}>
      <h2>{name}: tokens</h2>
      <Problem error={tokens.error ?? issue.error ?? revoke.error} />
      {issue.data && <Secret title={`Token ${issue.data.name ?? issue.data.id}`} value={issue.data.token} />}
      <table>
        <caption>Tokens of {name}</caption>
        <Head cols={['Name', 'Role', 'Created', 'Status', 'Actions']} />
        <tbody>
          {tokens.data?.map((t) => (
            <tr key={t.id}>
              <td>{t.name ?? t.id}</td>
              <td>{t.role}</td>
              <td>{when(t.createdAt)}</td>
              <td>{t.revokedAt ? 'revoked' : 'active'}</td>
              <td>
                {!t.revokedAt && (
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Revoke token ${t.name ?? t.id}`}
                    onClick={() => revoke.mutate(t.id)}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form aria-label="Issue a token" className="inline" onSubmit={resetOnSuccess(issue)}>
        <Field label="Token name">
          <input name="name" maxLength={100} />
        </Field>
        <Field label="Role">
          <select name="role" defaultValue="developer">
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </Field>
        <Actions>
          <button type="submit">Issue token</button>
        </Actions>
      </form>
    </section>
  );
}
