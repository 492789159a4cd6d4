// Admin API calls from k6's setup()/teardown(): create what a scenario needs, retire it afterwards.
import http from 'k6/http';

type Json = Record<string, unknown>;

export function adminCall(base: string, token: string, method: string, path: string, body?: Json): Json {
  const response = http.request(
    method,
    `${base}/admin/v1${path}`,
    body === undefined ? null : JSON.stringify(body),
    {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      tags: { name: 'admin' },
      // Admin calls are set-up, not load: keep them out of the data plane's failure rate.
      responseCallback: http.expectedStatuses({ min: 200, max: 299 }),
    },
  );
  if (response.status < 200 || response.status > 299) {
    throw new Error(`${method} ${path} → ${response.status}: ${String(response.body).slice(0, 300)}`);
  }
  return response.body ? (JSON.parse(String(response.body)) as Json) : {};
}

export function idOf(resource: Json): string {
  if (typeof resource.id !== 'string')
    throw new Error(`admin response without id: ${JSON.stringify(resource)}`);
  return resource.id;
}

export interface QuotaFixture {
  readonly apiId: string;
  readonly path: string;
  readonly key: string;
}

/**
 * A fresh API whose only plan allows `quota` requests a day, and a key subscribed to it: a re-run never
 * inherits yesterday's counter. The platform token creates it in its own tenant.
 */
export function createQuotaFixture(
  base: string,
  token: string,
  upstream: string,
  quota: number,
): QuotaFixture {
  const suffix = `${Date.now()}`;
  const call = (method: string, path: string, body?: Json) => adminCall(base, token, method, path, body);
  const tenantId = idOf(call('POST', '/tenants', { name: `k6-quota-${suffix}` }));
  const path = `/k6-quota-${suffix}`;
  const apiId = idOf(
    call('POST', '/apis', {
      name: `k6 quota ${suffix}`,
      basePath: path,
      auth: 'key',
      approval: 'auto',
      targets: [{ url: upstream, weight: 1 }],
      tenantId,
    }),
  );
  call('POST', `/apis/${apiId}/publish`, {});
  const planId = idOf(
    call('POST', `/apis/${apiId}/plans`, { name: 'k6-quota', quota: { requestsPerDay: quota } }),
  );
  const appId = idOf(call('POST', '/apps', { name: `k6-quota-${suffix}`, tenantId }));
  const key = call('POST', `/apps/${appId}/keys`, { name: 'k6' }).key;
  if (typeof key !== 'string') throw new Error('key response without key');
  const subscription = call('POST', '/subscriptions', { appId, apiId, planId });
  if (subscription.status !== 'approved') call('POST', `/subscriptions/${idOf(subscription)}/approve`, {});
  return { apiId, path, key };
}
