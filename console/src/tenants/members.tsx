// A tenant's people: members with their role (changed or removed here), and invitations by email. Without a
// mail transport the admin API returns the one-time link, shown once to pass on.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { admin, ok } from '../api/client.js';
import { Problem } from '../shell/problem.js';
import { Actions, Field, Head, resetOnSuccess, Secret, when } from '../shell/ui.js';

export const ROLES = ['viewer', 'developer', 'maintainer', 'owner'] as const;
type Role = (typeof ROLES)[number];
const roleOf = (v: unknown): Role => ROLES.find((r) => r === v) ?? 'viewer';

export function Members({ tenantId, name }: { tenantId: string; name: string }) {
  const cache = useQueryClient();
  const key = ['members', tenantId];
  const refresh = () => cache.invalidateQueries({ queryKey: key });
  const members = useQuery({
    queryKey: key,
    queryFn: async () =>
      ok(await admin.GET('/admin/v1/tenants/{id}/members', { params: { path: { id: tenantId } } })).items,
  });
  const invite = useMutation({
    mutationFn: async (f: FormData) =>
      ok(
        await admin.POST('/admin/v1/tenants/{id}/invitations', {
          params: { path: { id: tenantId } },
          body: { email: String(f.get('email')), role: roleOf(f.get('role')) },
        }),
      ),
    onSuccess: refresh,
  });
  const setRole = useMutation({
    mutationFn: async ({ userId, role }: { userId: string; role: Role }) =>
      ok(
        await admin.PUT('/admin/v1/tenants/{id}/members/{userId}', {
          params: { path: { id: tenantId, userId } },
          body: { role },
        }),
      ),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: async (userId: string) =>
      ok(
        await admin.DELETE('/admin/v1/tenants/{id}/members/{userId}', {
          params: { path: { id: tenantId, userId } },
        }),
      ),
    onSuccess: refresh,
  });
  return (
    <section className="panel" aria-label={`Members of ${name}`}>
      <h2>{name}: members</h2>
      <Problem error={members.error ?? setRole.error ?? remove.error} />
      {invite.data?.link && (
        <Secret title={`Invitation link for ${invite.data.user.email}`} value={invite.data.link} />
      )}
      {invite.data && !invite.data.link && (
        <p role="status">Invitation mailed to {invite.data.user.email}.</p>
      )}
      <table>
        <caption>People in {name}</caption>
        <Head cols={['Name', 'Email', 'Status', 'Last sign-in', 'Role', 'Actions']} />
        <tbody>
          {members.data?.map((m) => (
            <tr key={m.id}>
              <td>{m.displayName}</td>
              <td>{m.email}</td>
              <td>{m.status}</td>
              <td>{when(m.lastLoginAt)}</td>
              <td>
                <select
                  aria-label={`Role of ${m.email}`}
                  value={m.memberships.find((x) => x.tenantId === tenantId)?.role ?? 'viewer'}
                  onChange={(e) => setRole.mutate({ userId: m.id, role: roleOf(e.target.value) })}
                >
                  {ROLES.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </td>
              <td>
                <button
                  type="button"
                  className="danger"
                  aria-label={`Remove ${m.email}`}
                  onClick={() => remove.mutate(m.id)}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form aria-label="Invite a person" className="inline" onSubmit={resetOnSuccess(invite)}>
        <Field label="Email to invite">
          <input name="email" type="email" required />
        </Field>
        <Field label="Their role">
          <select name="role" defaultValue="developer">
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </Field>
        <Actions>
          <button type="submit">Invite</button>
        </Actions>
        <Problem error={invite.error} />
      </form>
    </section>
  );
}
