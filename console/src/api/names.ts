// Names for ids the caller meets in usage, logs and queues: its own APIs and apps, plus the other side of
// every subscription it is party to (a provider cannot read a consumer's app, but the subscription names it).
import { useQuery } from '@tanstack/react-query';
import { admin, ok } from './client.js';

export function useApis() {
  return useQuery({ queryKey: ['apis'], queryFn: async () => ok(await admin.GET('/admin/v1/apis')).items });
}
export function useApps() {
  return useQuery({ queryKey: ['apps'], queryFn: async () => ok(await admin.GET('/admin/v1/apps')).items });
}
export function useSubscriptions() {
  return useQuery({
    queryKey: ['subscriptions'],
    queryFn: async () => ok(await admin.GET('/admin/v1/subscriptions')).items,
  });
}

export function useNames() {
  const apis = useApis();
  const apps = useApps();
  const subs = useSubscriptions();
  const api = new Map<string, string>();
  const app = new Map<string, string>();
  for (const s of subs.data ?? []) {
    api.set(s.apiId, s.apiName);
    app.set(s.appId, s.appName);
  }
  for (const a of apis.data ?? []) api.set(a.id, a.name);
  for (const a of apps.data ?? []) app.set(a.id, a.name);
  return {
    api: (id: string | null) => (id ? (api.get(id) ?? id) : '—'),
    app: (id: string | null) => (id ? (app.get(id) ?? id) : 'no app (unauthenticated)'),
    apis: apis.data ?? [],
    apps: apps.data ?? [],
  };
}
