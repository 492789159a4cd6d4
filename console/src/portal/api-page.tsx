// One API for a consumer: its route and plans, a subscription with a plan choice (pending until the owner
// approves, with its status here), and a try-it panel that calls the API through this gateway with a key.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { Link, useParams } from 'wouter';
import { admin, ok } from '../api/client.js';
import { useApps, useSubscriptions } from '../api/names.js';
import { Problem } from '../shell/problem.js';
import { Actions, Field, Head, num, resetOnSuccess, when } from '../shell/ui.js';
import { useCatalog } from './catalog-page.js';
import { credentialOf, TryIt } from './try-it.js';

// Swagger UI is large: it loads with the first API page that has a document, not with the portal.
const ApiReference = lazy(() => import('./api-reference.js'));

const CREDENTIAL = {
  key: 'an app key in x-api-key',
  jwt: 'a JWT bearer token',
  introspection: 'an OAuth 2.0 bearer token',
  mtls: 'a client certificate',
  none: 'no credential',
} as const;

export function ApiPage() {
  const { id } = useParams<{ id: string }>();
  const cache = useQueryClient();
  const catalog = useCatalog();
  const apps = useApps();
  const subs = useSubscriptions();
  const api = catalog.data?.find((a) => a.id === id);
  const [typed, setTyped] = useState('');
  const subscribe = useMutation({
    mutationFn: async (f: FormData) =>
      ok(
        await admin.POST('/admin/v1/subscriptions', {
          body: {
            apiId: id,
            appId: String(f.get('appId')),
            planId: String(f.get('planId')),
            ...(f.get('reason') ? { reason: String(f.get('reason')) } : {}),
          },
        }),
      ),
    onSuccess: () => cache.invalidateQueries({ queryKey: ['subscriptions'] }),
  });
  if (catalog.isSuccess && !api)
    return (
      <>
        <h1>Not in the catalog</h1>
        <p>
          This API is not published for consumers. <Link href="/catalog">Back to the catalog</Link>
        </p>
      </>
    );
  if (!api) return <Problem error={catalog.error} />;
  const mine = subs.data?.filter((s) => s.apiId === api.id) ?? [];
  // An API may accept several methods (docs/auth.md); try-it offers the first.
  const methods = Array.isArray(api.auth) ? api.auth : [api.auth];

  return (
    <>
      <h1>{api.name}</h1>
      <p>
        Route <code>{(api.host ?? '') + api.basePath}</code> · {api.kind} ·{' '}
        {methods.map((m) => CREDENTIAL[m]).join(' or ')} ·{' '}
        {api.approval === 'auto' ? 'access is granted at once' : 'an owner approves each subscription'}
      </p>
      <table>
        <caption>Plans</caption>
        <Head cols={['Plan', 'Requests/s', 'Requests/day', 'Tokens/day']} />
        <tbody>
          {api.plans.map((p) => (
            <tr key={p.id}>
              <td>{p.name}</td>
              <td>{p.rateLimit ? num(p.rateLimit.requestsPerSecond) : 'unlimited'}</td>
              <td>{p.quota?.requestsPerDay ? num(p.quota.requestsPerDay) : 'unlimited'}</td>
              <td>{p.quota?.tokensPerDay ? num(p.quota.tokensPerDay) : 'unlimited'}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>My subscriptions</h2>
      {mine.length === 0 ? (
        <p>None of your apps is subscribed yet.</p>
      ) : (
        <ul aria-label="My subscriptions">
          {mine.map((s) => (
            <li key={s.id}>
              <strong>{s.appName}</strong>: <span className={`badge ${s.status}`}>{s.status}</span> since{' '}
              {when(s.updatedAt)}
              {s.comment && ` — “${s.comment}”`}
            </li>
          ))}
        </ul>
      )}

      <h2>Subscribe</h2>
      {apps.data && apps.data.length === 0 ? (
        <p>
          Create an app first under <Link href="/apps">My apps and keys</Link>.
        </p>
      ) : (
        <form aria-label="Subscribe" onSubmit={resetOnSuccess(subscribe)}>
          <Field label="App">
            <select name="appId" required>
              {apps.data?.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </Field>
          <fieldset>
            <legend>Plan</legend>
            {api.plans.map((p, i) => (
              <label key={p.id} className="check">
                <input type="radio" name="planId" value={p.id} defaultChecked={i === 0} required /> {p.name}
              </label>
            ))}
          </fieldset>
          <Field label="Why you need it" hint="the API owner reads this">
            <textarea name="reason" maxLength={1000} rows={2} />
          </Field>
          <Actions>
            <button
              type="submit"
              className="primary"
              disabled={subscribe.isPending || api.plans.length === 0}
            >
              Subscribe
            </button>
          </Actions>
          <Problem error={subscribe.error} />
          {subscribe.isSuccess && (
            <p role="status">
              Subscription {subscribe.data.status}
              {subscribe.data.status === 'pending' ? ': the API owner has been asked to approve it.' : '.'}
            </p>
          )}
        </form>
      )}

      <TryIt callUrl={api.callUrl} host={api.host} auth={methods[0]!} typed={typed} onTyped={setTyped} />

      <h2>Reference</h2>
      {api.hasSpec ? (
        <Suspense fallback={<p role="status">Loading the reference…</p>}>
          <ApiReference apiId={api.id} callUrl={api.callUrl} credential={credentialOf(methods[0]!, typed)} />
        </Suspense>
      ) : (
        <p>The API’s owner has not attached an OpenAPI document.</p>
      )}
    </>
  );
}
