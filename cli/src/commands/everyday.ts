// Everyday admin tasks: list and show objects, act on subscriptions, manage keys, follow logs, read usage.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { Context } from './context.js';

/** Table columns per resource (JSON and YAML carry every field). */
const resources = {
  tenants: { path: '/tenants', columns: ['id', 'name', 'createdAt'] },
  apis: {
    path: '/apis',
    columns: ['id', 'name', 'kind', 'basePath', 'status', 'auth', 'visibility'],
    filters: ['status'],
  },
  apps: { path: '/apps', columns: ['id', 'tenantId', 'name', 'createdAt'] },
  subscriptions: {
    path: '/subscriptions',
    columns: ['id', 'appId', 'apiId', 'planId', 'status', 'updatedAt'],
    filters: ['status', 'apiId', 'appId'],
  },
} as const;

const planColumns = ['id', 'apiId', 'name', 'rateLimit', 'quota'];
const keyColumns = ['id', 'name', 'prefix', 'expiresAt', 'revokedAt'];
const logColumns = ['ts', 'requestId', 'method', 'path', 'status', 'latencyMs', 'apiId', 'appId'];

const dashed = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export function registerEveryday(program: Command, ctx: Context): void {
  for (const [name, r] of Object.entries(resources)) {
    const group = program.command(name).description(`${name}: list and show`);
    const list = group
      .command('list')
      .description(`List ${name}`)
      .action(async (flags: Record<string, string>) =>
        ctx.out(await ctx.api().list(r.path, flags), r.columns),
      );
    for (const f of 'filters' in r ? r.filters : [])
      list.option(`--${dashed(f)} <value>`, `only those with this ${f}`);
    group
      .command('show <id>')
      .description(`Show one of the ${name}`)
      .action(async (id: string) =>
        ctx.out(await ctx.api().call('GET', `${r.path}/${encodeURIComponent(id)}`)),
      );
  }

  const subs = program.commands.find((c) => c.name() === 'subscriptions')!;
  for (const action of ['approve', 'reject', 'suspend', 'resume', 'revoke'])
    subs
      .command(`${action} <id>`)
      .description(`${action[0]!.toUpperCase()}${action.slice(1)} a subscription`)
      .option('--comment <text>', 'a comment kept with the subscription')
      .action(async (id: string, flags: { comment?: string }) =>
        ctx.out(
          await ctx
            .api()
            .call('POST', `/subscriptions/${encodeURIComponent(id)}/${action}`, { comment: flags.comment }),
          resources.subscriptions.columns,
        ),
      );

  const plans = program.command('plans').description("plans: an API's plans");
  plans
    .command('list')
    .requiredOption('--api <id>', 'the API')
    .action(async (f: { api: string }) =>
      ctx.out(await ctx.api().list(`/apis/${encodeURIComponent(f.api)}/plans`), planColumns),
    );
  plans
    .command('show <id>')
    .action(async (id: string) => ctx.out(await ctx.api().call('GET', `/plans/${encodeURIComponent(id)}`)));

  const keys = program.command('keys').description("keys: an app's API keys");
  const keysPath = (app: string) => `/apps/${encodeURIComponent(app)}/keys`;
  keys
    .command('list')
    .requiredOption('--app <id>', 'the app')
    .action(async (f: { app: string }) => ctx.out(await ctx.api().list(keysPath(f.app)), keyColumns));
  keys
    .command('create')
    .description('Issue a key; its secret is shown once')
    .requiredOption('--app <id>', 'the app')
    .option('--name <name>', 'a label')
    .option('--expires-at <iso>', 'expiry (ISO 8601)')
    .action(async (f: { app: string; name?: string; expiresAt?: string }) =>
      ctx.out(await ctx.api().call('POST', keysPath(f.app), { name: f.name, expiresAt: f.expiresAt }), [
        ...keyColumns,
        'key',
      ]),
    );
  keys
    .command('rotate <keyId>')
    .description('Issue a replacement key; the old one keeps working until --overlap-until')
    .requiredOption('--app <id>', 'the app')
    .option('--overlap-until <iso>', 'when the old key stops working (ISO 8601)')
    .action(async (keyId: string, f: { app: string; overlapUntil?: string }) =>
      ctx.out(
        await ctx.api().call('POST', `${keysPath(f.app)}/${encodeURIComponent(keyId)}/rotate`, {
          overlapUntil: f.overlapUntil,
        }),
      ),
    );
  keys
    .command('revoke <keyId>')
    .requiredOption('--app <id>', 'the app')
    .action(async (keyId: string, f: { app: string }) => {
      await ctx.api().call('DELETE', `${keysPath(f.app)}/${encodeURIComponent(keyId)}`);
      ctx.print(`revoked ${keyId}\n`);
    });

  const logs = program.command('logs').description('call logs');
  logs
    .command('tail')
    .description('The newest calls; --follow keeps printing new ones')
    .option('--follow', 'poll for new calls until interrupted')
    .option('--interval <ms>', 'poll interval with --follow', '1000')
    .option('--status <class>', 'e.g. 2xx, 5xx or 404')
    .option('--api-id <id>')
    .option('--app-id <id>')
    .option('--limit <n>', 'how many to show first', '20')
    .action(
      async (f: {
        follow?: boolean;
        interval: string;
        status?: string;
        apiId?: string;
        appId?: string;
        limit: string;
      }) => {
        const filters = { status: f.status, apiId: f.apiId, appId: f.appId };
        type Page = { items: { id: number }[] };
        // Newest first from the API; printed oldest first, each call once.
        let newest = 0;
        const show = (items: Page['items']) => {
          const fresh = items.filter((i) => i.id > newest).reverse();
          newest = Math.max(newest, ...fresh.map((i) => i.id));
          if (fresh.length) ctx.out(fresh, logColumns);
        };
        show((await ctx.api().call<Page>('GET', '/logs', undefined, { ...filters, limit: f.limit })).items);
        while (f.follow) {
          await sleep(Number(f.interval));
          show((await ctx.api().call<Page>('GET', '/logs', undefined, { ...filters, limit: 500 })).items);
        }
      },
    );

  program
    .command('usage')
    .description('Calls, errors, latency and tokens over time')
    .option('--group-by <by>', 'api, app or tenant', 'api')
    .option('--interval <i>', 'minute, hour or day', 'hour')
    .option('--from <iso>')
    .option('--to <iso>')
    .action(async (f: { groupBy: string; interval: string; from?: string; to?: string }) =>
      ctx.out(
        (
          await ctx.api().call<{ items: unknown[] }>('GET', '/usage', undefined, {
            groupBy: f.groupBy,
            interval: f.interval,
            from: f.from,
            to: f.to,
          })
        ).items,
      ),
    );
}
