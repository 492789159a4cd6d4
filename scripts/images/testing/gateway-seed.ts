// Test fixture: through the gateway's admin API (docs/admin-api.md), publish an API in front of a backend
// and subscribe an app to it; returns the app's key.

export type SeededRoute = {
  readonly key: string;
  readonly tenantId: string;
  readonly apiId: string;
  readonly basePath: string;
};

export async function seedRoute(
  gatewayUrl: string,
  adminToken: string,
  backendUrl: string,
): Promise<SeededRoute> {
  const admin = async <T>(path: string, body: unknown): Promise<T> => {
    const response = await fetch(`${gatewayUrl}/admin/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 200 && response.status !== 201)
      throw new Error(`POST ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const tenant = await admin<{ id: string }>('/tenants', { name: 'images-it' });
  const basePath = '/echo';
  const api = await admin<{ id: string }>('/apis', {
    name: 'Echo',
    basePath,
    kind: 'rest',
    auth: 'key',
    visibility: 'public',
    approval: 'auto',
    targets: [{ url: backendUrl, weight: 1 }],
    tenantId: tenant.id,
  });
  await admin(`/apis/${api.id}/publish`, {});
  const plan = await admin<{ id: string }>(`/apis/${api.id}/plans`, { name: 'open' });
  const app = await admin<{ id: string }>('/apps', { name: 'images-it-app', tenantId: tenant.id });
  const key = await admin<{ key: string }>(`/apps/${app.id}/keys`, { name: 'it' });
  const subscription = await admin<{ status: string }>('/subscriptions', {
    appId: app.id,
    apiId: api.id,
    planId: plan.id,
  });
  if (subscription.status !== 'approved')
    throw new Error(`subscription is ${subscription.status}, not approved`);
  return { key: key.key, tenantId: tenant.id, apiId: api.id, basePath };
}

/** Polls `url` until it answers, or fails with the last error after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number, init?: RequestInit): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) });
      if (
        response.status < 500 &&
        response.status !== 404 &&
        response.status !== 403 &&
        response.status !== 401
      ) {
        return response;
      }
      last = new Error(`${response.status} ${await response.text()}`);
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms: ${(last as Error)?.message}`);
}
