// APIs: the list, a create form, an edit drawer (name, host, base path, targets, visibility, approval), and
// the lifecycle actions (publish, deprecate, retire).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { admin, type Item, ok } from '../api/client.js';
import { useApis } from '../api/names.js';
import { Problem } from '../shell/problem.js';
import { Actions, Drawer, Field, Head, resetOnSuccess } from '../shell/ui.js';
import { TenantSelect } from '../tenants/tenant-select.js';
import { ApiSpec } from './api-spec.js';
import { PolicySettings } from './policy-settings.js';

type Api = Item<'listApis'>;
const NEXT_ACTIONS = {
  draft: ['publish', 'retire'],
  published: ['deprecate', 'retire'],
  deprecated: ['publish', 'retire'],
  retired: [],
} as const;

/** The fields the create form and the edit drawer share, read from a form. */
function common(form: FormData) {
  const host = String(form.get('host') ?? '').trim();
  return {
    name: String(form.get('name')),
    basePath: String(form.get('basePath')),
    host: host || null,
    visibility: form.get('visibility') === 'public' ? ('public' as const) : ('private' as const),
    approval: form.get('approval') === 'auto' ? ('auto' as const) : ('manual' as const),
    // Commas or spaces between them; the admin API checks each and drops repeats.
    tags: String(form.get('tags') ?? '')
      .split(/[\s,]+/)
      .filter(Boolean),
  };
}

export function ApisPage() {
  const cache = useQueryClient();
  const apis = useApis();
  const [editing, setEditing] = useState<Api | null>(null);
  const refresh = () => cache.invalidateQueries({ queryKey: ['apis'] });
  const create = useMutation({
    mutationFn: async (form: FormData) => {
      const tenantId = String(form.get('tenantId') ?? '') || undefined;
      return ok(
        await admin.POST('/admin/v1/apis', {
          body: {
            ...(tenantId ? { tenantId } : {}),
            ...common(form),
            targets: [{ url: String(form.get('target')) }],
          },
        }),
      );
    },
    onSuccess: refresh,
  });
  const edit = useMutation({
    mutationFn: async ({ id, form }: { id: string; form: FormData }) => {
      const urls = String(form.get('targets') ?? '')
        .split('\n')
        .map((u) => u.trim())
        .filter(Boolean);
      return ok(
        await admin.PATCH('/admin/v1/apis/{id}', {
          params: { path: { id } },
          body: { ...common(form), targets: urls.map((url) => ({ url, weight: 1 })) },
        }),
      );
    },
    onSuccess: () => {
      setEditing(null);
      return refresh();
    },
  });
  const act = useMutation({
    mutationFn: async ({ id, action }: { id: string; action: 'publish' | 'deprecate' | 'retire' }) =>
      ok(await admin.POST(`/admin/v1/apis/{id}/${action}`, { params: { path: { id } } })),
    onSuccess: refresh,
  });

  return (
    <>
      <h1>APIs</h1>
      <Problem error={apis.error ?? act.error} />
      <table>
        <caption>Every API you can manage</caption>
        <Head cols={['Name', 'Kind', 'Route', 'Status', 'Visibility', 'Tags', 'Actions']} />
        <tbody>
          {apis.data?.map((api) => (
            <tr key={api.id}>
              <td>{api.name}</td>
              <td>{api.kind}</td>
              <td>
                <code>
                  {api.host ?? ''}
                  {api.basePath}
                </code>
              </td>
              <td>
                <span className={`badge ${api.status}`}>{api.status}</span>
              </td>
              <td>{api.visibility}</td>
              <td>{api.tags.join(', ')}</td>
              <td>
                <Actions>
                  <button type="button" aria-label={`edit ${api.name}`} onClick={() => setEditing(api)}>
                    edit
                  </button>
                  {NEXT_ACTIONS[api.status].map((action) => (
                    <button
                      key={action}
                      type="button"
                      className={action === 'retire' ? 'danger' : undefined}
                      aria-label={`${action} ${api.name}`}
                      onClick={() => act.mutate({ id: api.id, action })}
                    >
                      {action}
                    </button>
                  ))}
                </Actions>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Create an API</h2>
      <form aria-label="Create an API" onSubmit={resetOnSuccess(create)}>
        <TenantSelect />
        <Field label="Name">
          <input name="name" required maxLength={100} />
        </Field>
        <Field label="Base path">
          <input name="basePath" required placeholder="/orders" pattern="/.*" />
        </Field>
        <Field label="Upstream URL">
          <input name="target" type="url" required placeholder="http://orders:8080" />
        </Field>
        <Exposure />
        <Actions>
          <button type="submit" disabled={create.isPending}>
            Create
          </button>
        </Actions>
        <Problem error={create.error} />
        {create.isSuccess && <p role="status">Created {create.data.name} as a draft.</p>}
      </form>

      <Drawer
        title={editing ? `Edit ${editing.name}` : 'Edit'}
        open={editing !== null}
        onClose={() => setEditing(null)}
      >
        {editing && (
          <form
            aria-label={`Edit ${editing.name}`}
            onSubmit={(e: FormEvent<HTMLFormElement>) => {
              e.preventDefault();
              edit.mutate({ id: editing.id, form: new FormData(e.currentTarget) });
            }}
          >
            <Field label="Name">
              <input name="name" required maxLength={100} defaultValue={editing.name} />
            </Field>
            <Field label="Host" hint="empty: any host">
              <input name="host" defaultValue={editing.host ?? ''} placeholder="api.example.com" />
            </Field>
            <Field label="Base path">
              <input name="basePath" required pattern="/.*" defaultValue={editing.basePath} />
            </Field>
            {editing.kind === 'rest' && (
              <Field label="Upstream URLs" hint="one per line; calls are spread across them">
                <textarea
                  name="targets"
                  rows={3}
                  defaultValue={editing.targets.map((t) => t.url).join('\n')}
                />
              </Field>
            )}
            <Exposure api={editing} />
            <Actions>
              <button type="submit" disabled={edit.isPending}>
                Save
              </button>
            </Actions>
            <Problem error={edit.error} />
          </form>
        )}
        {editing && <PolicySettings key={editing.id} api={editing} onSaved={() => setEditing(null)} />}
        {editing && <ApiSpec key={`spec-${editing.id}`} api={editing} />}
      </Drawer>
    </>
  );
}

/** Who sees the API in the catalog, and whether subscriptions wait for a person. */
function Exposure({ api }: { api?: Api }) {
  return (
    <>
      <Field label="Visibility">
        <select name="visibility" defaultValue={api?.visibility ?? 'private'}>
          <option value="private">private</option>
          <option value="public">public (in the catalog)</option>
        </select>
      </Field>
      <Field label="Approval">
        <select name="approval" defaultValue={api?.approval ?? 'manual'}>
          <option value="manual">manual (an owner approves)</option>
          <option value="auto">automatic</option>
        </select>
      </Field>
      <Field label="Tags" hint="lower-case words the catalog filters by, e.g. payments beta">
        <input name="tags" defaultValue={api?.tags.join(' ') ?? ''} placeholder="payments beta" />
      </Field>
    </>
  );
}
