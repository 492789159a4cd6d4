// My account (people signed in as themselves): where they are signed in (any session ended here) and their
// personal access tokens for scripts and the CLI (scoped to a tenant and a role, always expiring, shown once).
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { admin, ok } from '../api/client.js';
import { Problem } from '../shell/problem.js';
import { Actions, Field, Head, resetOnSuccess, Secret, when } from '../shell/ui.js';
import { ROLES } from '../tenants/members.js';

const DAY = 86_400_000;

/**
 * The names of the person's tenants: each read as its member would (X-Admin-Tenant picks the tenant a person
 * acts in); an unreadable one keeps its id.
 */
function useTenantNames(ids: readonly string[]): (id: string) => string {
  const names = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['tenant-name', id],
      staleTime: 60_000,
      queryFn: async () =>
        ok(
          await admin.GET('/admin/v1/tenants/{id}', {
            params: { path: { id } },
            headers: { 'x-admin-tenant': id },
          }),
        ).name,
    })),
  });
  return (id) => names[ids.indexOf(id)]?.data ?? id;
}

export function AccountPage() {
  const cache = useQueryClient();
  const me = useQuery({ queryKey: ['me'], queryFn: async () => ok(await admin.GET('/admin/v1/me')) });
  const sessions = useQuery({
    queryKey: ['me', 'sessions'],
    enabled: me.isSuccess,
    queryFn: async () => ok(await admin.GET('/admin/v1/me/sessions')).items,
  });
  const tokens = useQuery({
    queryKey: ['me', 'tokens'],
    enabled: me.isSuccess,
    queryFn: async () => ok(await admin.GET('/admin/v1/me/tokens')).items,
  });
  const refresh = () => cache.invalidateQueries({ queryKey: ['me'] });
  const tenantName = useTenantNames(me.data?.memberships.map((m) => m.tenantId) ?? []);
  const endSession = useMutation({
    mutationFn: async (id: string) =>
      ok(await admin.DELETE('/admin/v1/me/sessions/{id}', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const issue = useMutation({
    mutationFn: async (f: FormData) => {
      const [tenantId, role] = String(f.get('scope')).split('|');
      return ok(
        await admin.POST('/admin/v1/me/tokens', {
          body: {
            name: String(f.get('name') || 'personal'),
            tenantId: tenantId || null,
            role: role === 'platform' ? 'platform' : (ROLES.find((r) => r === role) ?? 'viewer'),
            expiresAt: new Date(Date.now() + Number(f.get('days')) * DAY).toISOString(),
          },
        }),
      );
    },
    onSuccess: refresh,
  });
  const revoke = useMutation({
    mutationFn: async (id: string) =>
      ok(await admin.DELETE('/admin/v1/me/tokens/{id}', { params: { path: { id } } })),
    onSuccess: refresh,
  });

  if (me.isError)
    return (
      <>
        <h1>My account</h1>
        <p>You are signed in with a token, not as a person: there is no account to show.</p>
      </>
    );
  const user = me.data;
  // What a token may be scoped to: each membership at that role or below, and the platform for admins.
  const scopes = [
    ...(user?.platformAdmin ? [{ value: '|platform', label: 'the platform (admin)' }] : []),
    ...(user?.memberships ?? []).flatMap((m) =>
      ROLES.slice(0, ROLES.indexOf(m.role) + 1).map((r) => ({
        value: `${m.tenantId}|${r}`,
        label: `${tenantName(m.tenantId)} as ${r}`,
      })),
    ),
  ];
  return (
    <>
      <h1>My account</h1>
      <Problem error={me.error ?? sessions.error ?? tokens.error ?? endSession.error ?? revoke.error} />
      {user && (
        <p>
          {user.displayName} · {user.email}
          {user.platformAdmin ? ' · platform admin' : ''} · member of{' '}
          {user.memberships.map((m) => `${tenantName(m.tenantId)} (${m.role})`).join(', ') || 'no tenant'}
        </p>
      )}
      <table>
        <caption>Where you are signed in</caption>
        <Head cols={['Signed in', 'Last seen', 'How', 'From', 'Browser', 'Actions']} />
        <tbody>
          {sessions.data?.map((s) => (
            <tr key={s.id}>
              <td>{when(s.createdAt)}</td>
              <td>{when(s.lastSeenAt)}</td>
              <td>{s.via}</td>
              <td>{s.ip ?? '—'}</td>
              <td>{s.userAgent?.slice(0, 60) ?? '—'}</td>
              <td>
                {s.current ? (
                  'this browser'
                ) : (
                  <button type="button" className="danger" onClick={() => endSession.mutate(s.id)}>
                    End session
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Personal access tokens</h2>
      {issue.data && <Secret title={`Token ${issue.data.name ?? issue.data.id}`} value={issue.data.token} />}
      <table>
        <caption>Your tokens for scripts and the CLI</caption>
        <Head cols={['Name', 'Tenant', 'Role', 'Expires', 'Status', 'Actions']} />
        <tbody>
          {tokens.data?.map((t) => (
            <tr key={t.id}>
              <td>{t.name ?? t.id}</td>
              <td>{t.tenantId ? tenantName(t.tenantId) : 'platform'}</td>
              <td>{t.role}</td>
              <td>{when(t.expiresAt)}</td>
              <td>{t.revokedAt ? 'revoked' : 'active'}</td>
              <td>
                {!t.revokedAt && (
                  <button type="button" className="danger" onClick={() => revoke.mutate(t.id)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {scopes.length > 0 && (
        <form aria-label="Issue a personal token" className="inline" onSubmit={resetOnSuccess(issue)}>
          <Field label="Token name">
            <input name="name" maxLength={100} placeholder="laptop CLI" />
          </Field>
          <Field label="Acts on">
            <select name="scope">
              {scopes.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Valid for (days)">
            <input name="days" type="number" min={1} max={365} defaultValue={30} required />
          </Field>
          <Actions>
            <button type="submit">Issue token</button>
          </Actions>
          <Problem error={issue.error} />
        </form>
      )}
    </>
  );
}
