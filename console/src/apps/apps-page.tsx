// Apps and their keys: create an app, issue a key (the secret shown once, with a copy button), rotate a key
// (a new secret, then the old key revoked), revoke; and the app's subscriptions with their status.
// The developer portal shows the same panel to consumers.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { admin, type Item, ok } from '../api/client.js';
import { useApps, useSubscriptions } from '../api/names.js';
import { Problem } from '../shell/problem.js';
import { Actions, Field, Head, resetOnSuccess, Secret, when } from '../shell/ui.js';
import { TenantSelect } from '../tenants/tenant-select.js';

type App = Item<'listApps'>;

export function AppsPage() {
  const cache = useQueryClient();
  const apps = useApps();
  const [chosen, setChosen] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: async (form: FormData) => {
      const tenantId = String(form.get('tenantId') ?? '') || undefined;
      return ok(
        await admin.POST('/admin/v1/apps', {
          body: { name: String(form.get('name')), ...(tenantId ? { tenantId } : {}) },
        }),
      );
    },
    onSuccess: (app) => {
      setChosen(app.id);
      return cache.invalidateQueries({ queryKey: ['apps'] });
    },
  });
  const app = apps.data?.find((a) => a.id === chosen);

  return (
    <>
      <h1>Apps and keys</h1>
      <Problem error={apps.error} />
      <table>
        <caption>Apps that call APIs with their keys</caption>
        <Head cols={['Name', 'Id', 'Created', 'Keys']} />
        <tbody>
          {apps.data?.map((a) => (
            <tr key={a.id} aria-current={a.id === chosen ? 'true' : undefined}>
              <td>{a.name}</td>
              <td>
                <code>{a.id}</code>
              </td>
              <td>{when(a.createdAt)}</td>
              <td>
                <button type="button" aria-label={`Keys of ${a.name}`} onClick={() => setChosen(a.id)}>
                  Keys and subscriptions
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {app && <AppDetail app={app} />}
      <h2>Create an app</h2>
      <form aria-label="Create an app" onSubmit={resetOnSuccess(create)}>
        <TenantSelect />
        <Field label="App name">
          <input name="name" required maxLength={100} />
        </Field>
        <Actions>
          <button type="submit" disabled={create.isPending}>
            Create app
          </button>
        </Actions>
        <Problem error={create.error} />
      </form>
    </>
  );
}

function AppDetail({ app }: { app: App }) {
  const cache = useQueryClient();
  const [secret, setSecret] = useState<{ title: string; value: string } | null>(null);
  const keys = useQuery({
    queryKey: ['keys', app.id],
    queryFn: async () =>
      ok(await admin.GET('/admin/v1/apps/{id}/keys', { params: { path: { id: app.id } } })).items,
  });
  const subs = useSubscriptions();
  const refresh = () => cache.invalidateQueries({ queryKey: ['keys', app.id] });
  const issue = async (name: string | undefined) =>
    ok(
      await admin.POST('/admin/v1/apps/{id}/keys', {
        params: { path: { id: app.id } },
        body: name ? { name } : {},
      }),
    );
  const revoke = async (keyId: string) =>
    ok(await admin.DELETE('/admin/v1/apps/{id}/keys/{keyId}', { params: { path: { id: app.id, keyId } } }));
  const create = useMutation({
    mutationFn: (name: string | undefined) => issue(name),
    onSuccess: (k) => {
      setSecret({ title: `New key ${k.name ?? k.prefix}`, value: k.key });
      return refresh();
    },
  });
  // Rotation with overlap: the gateway issues the new key and lets the old one work until its
  // `oldKeyExpiresAt` (a day by default), so a deploy can swap them without a refused call.
  const rotate = useMutation({
    mutationFn: async (old: { id: string }) =>
      ok(
        await admin.POST('/admin/v1/apps/{id}/keys/{keyId}/rotate', {
          params: { path: { id: app.id, keyId: old.id } },
          body: {},
        }),
      ),
    onSuccess: (k) => {
      setSecret({ title: `Rotated key ${k.name ?? k.prefix}`, value: k.key });
      return refresh();
    },
  });
  const drop = useMutation({ mutationFn: revoke, onSuccess: refresh });

  return (
    <section aria-label={`App ${app.name}`} className="panel">
      <h2>{app.name}: keys</h2>
      <Problem error={keys.error ?? create.error ?? rotate.error ?? drop.error} />
      {secret && <Secret title={secret.title} value={secret.value} />}
      <table>
        <caption>Keys of {app.name}</caption>
        <Head cols={['Name', 'Prefix', 'Created', 'Expires', 'Status', 'Actions']} />
        <tbody>
          {keys.data?.map((k) => (
            <tr key={k.id}>
              <td>{k.name ?? '—'}</td>
              <td>
                <code>{k.prefix}</code>
              </td>
              <td>{when(k.createdAt)}</td>
              <td>{when(k.expiresAt)}</td>
              <td>{keyStatus(k)}</td>
              <td>
                {keyStatus(k) === 'active' && (
                  <Actions>
                    <button type="button" aria-label={`Rotate ${k.prefix}`} onClick={() => rotate.mutate(k)}>
                      Rotate
                    </button>
                    <button
                      type="button"
                      className="danger"
                      aria-label={`Revoke ${k.prefix}`}
                      onClick={() => drop.mutate(k.id)}
                    >
                      Revoke
                    </button>
                  </Actions>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        aria-label="Issue a key"
        className="inline"
        onSubmit={(e: FormEvent<HTMLFormElement>) => {
          e.preventDefault();
          create.mutate(String(new FormData(e.currentTarget).get('name') ?? '') || undefined);
        }}
      >
        <Field label="Key name">
          <input name="name" maxLength={100} placeholder="production" />
        </Field>
        <Actions>
          <button type="submit" disabled={create.isPending}>
            Issue a key
          </button>
        </Actions>
      </form>
      <table>
        <caption>Subscriptions of {app.name}</caption>
        <Head cols={['API', 'Status', 'Comment from the API owner', 'Since']} />
        <tbody>
          {subs.data
            ?.filter((s) => s.appId === app.id)
            .map((s) => (
              <tr key={s.id}>
                <td>{s.apiName}</td>
                <td>{s.status}</td>
                <td>{s.comment ?? '—'}</td>
                <td>{when(s.updatedAt)}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </section>
  );
}

/** Revoked, past its expiry (a rotated-out key after its overlap), or active. */
function keyStatus(k: { revokedAt: string | null; expiresAt: string | null }): string {
  if (k.revokedAt) return `revoked ${when(k.revokedAt)}`;
  if (k.expiresAt && Date.parse(k.expiresAt) <= Date.now()) return 'expired';
  return 'active';
}
