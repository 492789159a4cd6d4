// Seeds a scale level straight into a SQLite store (one transaction), with the migrations of the gateway under
// test: `keys` apps, each with a key and an approved subscription, spread over `apis` keyed APIs.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ScaleSeed {
  keys: number;
  apis: number;
  /** Base paths of the first and the last API. */
  firstPath: string;
  lastPath: string;
  /** The probe app, subscribed to the first and last API; its key is `probeKey`. */
  probeAppId: string;
  probeKey: string;
}

export const apiPath = (i: number) => `/api-${String(i).padStart(5, '0')}`;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

interface StoreModule {
  openStore(url: string): {
    db: unknown;
    sqlite?: import('better-sqlite3').Database;
    close(): Promise<void>;
  };
}

export async function seedScale(
  gatewayRoot: string,
  file: string,
  level: { keys: number; apis: number },
  backendUrl: string,
): Promise<ScaleSeed> {
  const src = (path: string) => pathToFileURL(join(gatewayRoot, 'gateway/src', path)).href;
  const { openStore } = (await import(src('store/db.ts'))) as StoreModule;
  const { migrate } = (await import(src('store/migrate.ts'))) as { migrate(db: unknown): Promise<void> };
  const store = openStore(`sqlite:${file}`);
  await migrate(store.db);
  const db = store.sqlite!;
  const now = new Date().toISOString();
  const targets = JSON.stringify([{ url: backendUrl, weight: 1 }]);
  const api = db.prepare(
    `insert into apis (id, tenant_id, name, route_key, base_path, host, kind, auth, visibility, approval, status,
       targets, timeout_ms, retries, max_body_bytes, settings, created_at, updated_at)
     values (?, 'ten_bench', ?, ?, ?, null, 'rest', 'key', 'public', 'auto', 'published', ?, 10000, 0, 1048576, '{}', ?, ?)`,
  );
  const plan = db.prepare(
    "insert into plans (id, api_id, name, rate_limit, quota, created_at, updated_at) values (?, ?, 'default', null, null, ?, ?)",
  );
  const app = db.prepare("insert into apps (id, tenant_id, name, created_at) values (?, 'ten_bench', ?, ?)");
  const key = db.prepare(
    'insert into api_keys (id, app_id, name, prefix, hash, expires_at, revoked_at, created_at) values (?, ?, null, ?, ?, null, null, ?)',
  );
  const sub = db.prepare(
    `insert into subscriptions (id, app_id, api_id, plan_id, status, reason, comment, created_at, updated_at)
     values (?, ?, ?, ?, 'approved', null, null, ?, ?)`,
  );
  db.transaction(() => {
    db.prepare("insert into tenants (id, name, created_at) values ('ten_bench', 'bench', ?)").run(now);
    for (let i = 0; i < level.apis; i++) {
      api.run(`api_b${i}`, `api ${i}`, `|${apiPath(i)}`, apiPath(i), targets, now, now);
      plan.run(`pln_b${i}`, `api_b${i}`, now, now);
    }
    for (let i = 0; i < level.keys; i++) {
      app.run(`app_b${i}`, `app ${i}`, now);
      key.run(`key_b${i}`, `app_b${i}`, `gk_b${i.toString(16).padStart(8, '0')}`, sha256(`s${i}`), now);
      const target = i % level.apis;
      sub.run(`sub_b${i}`, `app_b${i}`, `api_b${target}`, `pln_b${target}`, now, now);
    }
    app.run('app_probe', 'probe', now);
    key.run('key_probe', 'app_probe', 'gk_probe00', sha256('probe'), now);
    for (const i of new Set([0, level.apis - 1]))
      sub.run(`sub_probe${i}`, 'app_probe', `api_b${i}`, `pln_b${i}`, now, now);
    db.prepare('update config_version set version = version + 1 where id = 1').run();
  })();
  await store.close();
  return {
    ...level,
    firstPath: apiPath(0),
    lastPath: apiPath(level.apis - 1),
    probeAppId: 'app_probe',
    probeKey: 'gk_probe00.probe',
  };
}
