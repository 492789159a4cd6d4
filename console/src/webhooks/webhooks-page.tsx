// Webhooks: a tenant's endpoints for gateway events (docs/webhooks.md). Create one (its signing secret shown
// once), change its URL, events or enabled state in a drawer, send a test event and watch its delivery log
// (re-read every 2 s while the drawer is open), delete it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { admin, type Item, ok } from '../api/client.js';
import { Problem } from '../shell/problem.js';
import { Actions, Drawer, Field, Head, resetOnSuccess, Secret, when } from '../shell/ui.js';
import { TenantSelect } from '../tenants/tenant-select.js';

type Webhook = Item<'listWebhooks'>;
type EventType = Webhook['events'][number];
// The admin API's list (webhooks/events.ts); the typed client fails the build when it changes.
const EVENTS: readonly EventType[] = [
  'subscription.requested',
  'subscription.approved',
  'subscription.rejected',
  'subscription.revoked',
  'key.expiring',
  'quota.warning',
  'quota.exhausted',
  'webhook.test',
];

const eventsOf = (form: FormData) => form.getAll('events').map(String) as EventType[];

function EventChoice({ chosen }: { chosen?: readonly string[] }) {
  return (
    <fieldset>
      <legend>Events</legend>
      {EVENTS.map((e) => (
        <label key={e} className="check">
          <input type="checkbox" name="events" value={e} defaultChecked={chosen?.includes(e)} /> {e}
        </label>
      ))}
    </fieldset>
  );
}

export function WebhooksPage() {
  const cache = useQueryClient();
  const hooks = useQuery({
    queryKey: ['webhooks'],
    queryFn: async () => ok(await admin.GET('/admin/v1/webhooks')).items,
  });
  const [open, setOpen] = useState<Webhook | null>(null);
  const refresh = () => cache.invalidateQueries({ queryKey: ['webhooks'] });
  const create = useMutation({
    mutationFn: async (f: FormData) => {
      const tenantId = String(f.get('tenantId') ?? '') || undefined;
      return ok(
        await admin.POST('/admin/v1/webhooks', {
          body: {
            ...(tenantId ? { tenantId } : {}),
            name: String(f.get('name')),
            url: String(f.get('url')),
            events: eventsOf(f),
          },
        }),
      );
    },
    onSuccess: refresh,
  });

  return (
    <>
      <h1>Webhooks</h1>
      <Problem error={hooks.error} />
      <table>
        <caption>Endpoints that receive the gateway's events, signed with their secret</caption>
        <Head cols={['Name', 'URL', 'Events', 'State', 'Actions']} />
        <tbody>
          {hooks.data?.map((h) => (
            <tr key={h.id}>
              <td>{h.name}</td>
              <td>
                <code>{h.url}</code>
              </td>
              <td>{h.events.join(', ')}</td>
              <td>{h.enabled ? 'enabled' : 'disabled'}</td>
              <td>
                <button type="button" aria-label={`open ${h.name}`} onClick={() => setOpen(h)}>
                  edit and deliveries
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {hooks.data?.length === 0 && <p>No webhook yet.</p>}

      <h2>Create a webhook</h2>
      <form aria-label="Create a webhook" onSubmit={resetOnSuccess(create)}>
        <TenantSelect />
        <Field label="Webhook name">
          <input name="name" required maxLength={100} />
        </Field>
        <Field label="URL" hint="http(s); receives a signed JSON POST per event">
          <input name="url" type="url" required placeholder="https://hooks.example.com/gateway" />
        </Field>
        <EventChoice chosen={['subscription.requested']} />
        <Actions>
          <button type="submit" disabled={create.isPending}>
            Create webhook
          </button>
        </Actions>
        <Problem error={create.error} />
      </form>
      {create.data && (
        <Secret
          title={`Signing secret of ${create.data.name}`}
          value={create.data.secret}
          kept="the gateway keeps it encrypted, to sign with, and never shows it again"
        />
      )}

      <Drawer
        title={open ? `Webhook ${open.name}` : 'Webhook'}
        open={open !== null}
        onClose={() => setOpen(null)}
      >
        {open && (
          <WebhookDetail
            hook={open}
            onChanged={refresh}
            onDeleted={() => {
              setOpen(null);
              return refresh();
            }}
          />
        )}
      </Drawer>
    </>
  );
}

function WebhookDetail({
  hook,
  onChanged,
  onDeleted,
}: {
  hook: Webhook;
  onChanged: () => Promise<void>;
  onDeleted: () => Promise<void>;
}) {
  const cache = useQueryClient();
  const key = ['webhook-deliveries', hook.id];
  const deliveries = useQuery({
    queryKey: key,
    refetchInterval: 2000,
    queryFn: async () =>
      ok(
        await admin.GET('/admin/v1/webhooks/{id}/deliveries', {
          params: { path: { id: hook.id }, query: { limit: 20 } },
        }),
      ).items,
  });
  const save = useMutation({
    mutationFn: async (f: FormData) =>
      ok(
        await admin.PATCH('/admin/v1/webhooks/{id}', {
          params: { path: { id: hook.id } },
          body: {
            name: String(f.get('name')),
            url: String(f.get('url')),
            events: eventsOf(f),
            enabled: f.get('enabled') === 'on',
          },
        }),
      ),
    onSuccess: onChanged,
  });
  const test = useMutation({
    mutationFn: async () =>
      ok(await admin.POST('/admin/v1/webhooks/{id}/test', { params: { path: { id: hook.id } } })),
    onSuccess: () => cache.invalidateQueries({ queryKey: key }),
  });
  const remove = useMutation({
    mutationFn: async () =>
      ok(await admin.DELETE('/admin/v1/webhooks/{id}', { params: { path: { id: hook.id } } })),
    onSuccess: onDeleted,
  });

  return (
    <>
      <form
        aria-label={`Edit webhook ${hook.name}`}
        onSubmit={(e: FormEvent<HTMLFormElement>) => {
          e.preventDefault();
          save.mutate(new FormData(e.currentTarget));
        }}
      >
        <Field label="Webhook name">
          <input name="name" required maxLength={100} defaultValue={hook.name} />
        </Field>
        <Field label="URL">
          <input name="url" type="url" required defaultValue={hook.url} />
        </Field>
        <EventChoice chosen={hook.events} />
        <label className="check">
          <input type="checkbox" name="enabled" defaultChecked={hook.enabled} /> Enabled (a disabled webhook
          gets no events)
        </label>
        <Actions>
          <button type="submit" disabled={save.isPending}>
            Save webhook
          </button>
          <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
            Send a test event
          </button>
          <button type="button" className="danger" onClick={() => remove.mutate()}>
            Delete webhook
          </button>
        </Actions>
        <Problem error={save.error ?? test.error ?? remove.error} />
        {save.isSuccess && <p role="status">Saved.</p>}
      </form>
      <table>
        <caption>Deliveries, newest first</caption>
        <Head cols={['Event', 'Status', 'Attempts', 'Answer', 'Last attempt', 'Error']} />
        <tbody>
          {deliveries.data?.map((d) => (
            <tr key={d.id}>
              <td>{d.eventType}</td>
              <td>
                <span className={`badge ${d.status}`}>{d.status}</span>
              </td>
              <td>{d.attempts}</td>
              <td>{d.responseStatus ?? '—'}</td>
              <td>{when(d.lastAttemptAt)}</td>
              <td>{d.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Problem error={deliveries.error} />
    </>
  );
}
