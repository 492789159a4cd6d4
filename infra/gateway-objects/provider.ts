// A Pulumi dynamic provider for gateway objects (tenants, APIs, plans, apps, subscriptions, AI providers and
// models) over the admin API. Pulumi serializes these functions into its state, so they use only globals
// (fetch, JSON): no module they would have to capture.
import type * as pulumi from '@pulumi/pulumi';

export const objectKinds = ['tenant', 'api', 'plan', 'app', 'subscription', 'aiProvider', 'aiModel'] as const;
export type ObjectKind = (typeof objectKinds)[number];

export interface GatewayConnection {
  /** The gateway's base URL as seen from where `pulumi up` runs (e.g. a port-forward or the admin listener). */
  url: string;
  /** A platform token or personal access token. */
  token: string;
}

export interface ObjectInputs {
  connection: GatewayConnection;
  kind: ObjectKind;
  /** The admin API's create body, parents by id. */
  body: Record<string, unknown>;
  /** Lifecycle status to reach (APIs and subscriptions). */
  status?: string;
}

export interface ObjectOutputs extends ObjectInputs {
  /** The admin API's view of the object. */
  view: Record<string, unknown>;
}

/** Fields the admin API cannot change in place: a new value replaces the object. */
const REPLACE_ON: Record<ObjectKind, readonly string[]> = {
  tenant: [],
  api: ['tenantId'],
  plan: ['apiId'],
  app: ['tenantId'],
  subscription: ['appId', 'apiId', 'planId'],
  aiProvider: ['tenantId'],
  aiModel: ['tenantId'],
};

/** The create-body fields an imported object is read back into (held equal to the admin schemas by a test). */
export const BODY_FIELDS: Record<ObjectKind, readonly string[]> = {
  tenant: ['name', 'limits'],
  api: [
    'tenantId',
    'name',
    'basePath',
    'host',
    'kind',
    'auth',
    'visibility',
    'approval',
    'targets',
    'timeoutMs',
    'retries',
    'maxBodyBytes',
    'settings',
    'tags',
  ],
  plan: ['apiId', 'name', 'rateLimit', 'quota'],
  app: ['tenantId', 'name'],
  subscription: ['appId', 'apiId', 'planId'],
  aiProvider: [
    'tenantId',
    'name',
    'preset',
    'type',
    'baseUrl',
    'maxConnections',
    'apiVersion',
    'azureDeployments',
    'headers',
  ],
  aiModel: [
    'tenantId',
    'name',
    'providerId',
    'upstreamModel',
    'inputPricePer1k',
    'outputPricePer1k',
    'fallbackModelId',
    'tokensPerMinute',
    'requestsPerMinute',
    'routing',
    'weight',
    'deployments',
  ],
};

/**
 * Actions from each status to each wanted one. A copy, because the provider is serialized without modules;
 * cli/src/declarative/lifecycle.test.ts keeps it equal to the paths derived from the gateway's transitions.
 */
export const LIFECYCLE: Record<string, Record<string, Record<string, string[]>>> = {
  api: {
    draft: { published: ['publish'], deprecated: ['publish', 'deprecate'], retired: ['retire'] },
    published: { deprecated: ['deprecate'], retired: ['retire'] },
    deprecated: { published: ['publish'], retired: ['retire'] },
  },
  subscription: {
    pending: { approved: ['approve'], suspended: ['approve', 'suspend'] },
    approved: { suspended: ['suspend'] },
    suspended: { approved: ['resume'] },
  },
};

export class AdminCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function admin(
  conn: GatewayConnection,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${conn.url.replace(/\/+$/, '')}/admin/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${conn.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) {
    const problem = (text ? JSON.parse(text) : {}) as { code?: string; detail?: string };
    throw new AdminCallError(
      res.status,
      `${method} /admin/v1${path} → ${res.status} ${problem.code ?? ''}: ${problem.detail ?? text}`,
    );
  }
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function collectionPath(kind: ObjectKind, body: Record<string, unknown>): string {
  switch (kind) {
    case 'tenant':
      return '/tenants';
    case 'api':
      return '/apis';
    case 'plan':
      return `/apis/${body.apiId}/plans`;
    case 'app':
      return '/apps';
    case 'subscription':
      return '/subscriptions';
    case 'aiProvider':
      return '/ai/providers';
    case 'aiModel':
      return '/ai/models';
  }
}

export function itemPath(kind: ObjectKind, id: string): string {
  const base = {
    tenant: '/tenants',
    api: '/apis',
    plan: '/plans',
    app: '/apps',
    subscription: '/subscriptions',
    aiProvider: '/ai/providers',
    aiModel: '/ai/models',
  }[kind];
  return `${base}/${encodeURIComponent(id)}`;
}

function without(body: Record<string, unknown>, field: string): Record<string, unknown> {
  const { [field]: _dropped, ...rest } = body;
  return rest;
}

async function walk(
  conn: GatewayConnection,
  kind: ObjectKind,
  id: string,
  from: string,
  to: string | undefined,
) {
  if (!to || from === to) return;
  const steps = LIFECYCLE[kind]?.[from]?.[to];
  if (!steps) throw new Error(`${kind} ${id} cannot go from ${from} to ${to}`);
  for (const step of steps) await admin(conn, 'POST', `${itemPath(kind, id)}/${step}`, {});
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Only the fields the program sets are compared: a field it leaves out keeps whatever the gateway holds. */
export function diffObject(olds: ObjectInputs, news: ObjectInputs): pulumi.dynamic.DiffResult {
  const changed = Object.keys(news.body).filter((f) => !same(olds.body[f], news.body[f]));
  if (news.status !== undefined && olds.status !== news.status) changed.push('status');
  const replaces = changed.filter((f) => REPLACE_ON[news.kind].includes(f));
  if (olds.kind !== news.kind) replaces.push('kind');
  return {
    changes: changed.length > 0 || replaces.length > 0,
    replaces: replaces.map((f) => (f === 'status' || f === 'kind' ? f : `body.${f}`)),
    // Names and routes are unique: the old object must go before its replacement takes the name.
    deleteBeforeReplace: true,
  };
}

async function createObject(inputs: ObjectInputs): Promise<pulumi.dynamic.CreateResult> {
  const { connection: conn, kind } = inputs;
  const body = kind === 'plan' ? without(inputs.body, 'apiId') : inputs.body;
  const created = await admin(conn, 'POST', collectionPath(kind, inputs.body), body);
  const id = created.id as string;
  await walk(conn, kind, id, created.status as string, inputs.status);
  return { id, outs: { ...inputs, view: await admin(conn, 'GET', itemPath(kind, id)) } };
}

async function readObject(id: string, props: ObjectOutputs): Promise<pulumi.dynamic.ReadResult> {
  const view = await admin(props.connection, 'GET', itemPath(props.kind, id));
  const body = Object.fromEntries(
    BODY_FIELDS[props.kind].filter((f) => view[f] !== undefined).map((f) => [f, view[f]]),
  );
  // Provider keys are sealed: they are never read back, the program's stay.
  if (props.kind === 'aiProvider' && props.body?.keys) body.keys = props.body.keys;
  const status = typeof view.status === 'string' ? view.status : undefined;
  return { id, props: { ...props, body: { ...body }, ...(status ? { status } : {}), view } };
}

async function updateObject(
  id: string,
  olds: ObjectOutputs,
  news: ObjectInputs,
): Promise<pulumi.dynamic.UpdateResult> {
  const { connection: conn, kind } = news;
  const patch = Object.fromEntries(
    Object.entries(news.body).filter(([f, v]) => !same(olds.body[f], v) && !REPLACE_ON[kind].includes(f)),
  );
  if (Object.keys(patch).length > 0) await admin(conn, 'PATCH', itemPath(kind, id), patch);
  await walk(conn, kind, id, (olds.view?.status as string) ?? (olds.status as string), news.status);
  return { outs: { ...news, view: await admin(conn, 'GET', itemPath(kind, id)) } };
}

async function deleteObject(id: string, props: ObjectOutputs): Promise<void> {
  const { connection: conn, kind } = props;
  try {
    if (kind === 'subscription') await admin(conn, 'POST', `${itemPath(kind, id)}/revoke`, {});
    else if (kind === 'tenant')
      await admin(
        conn,
        'DELETE',
        `${itemPath(kind, id)}?confirm=${encodeURIComponent(String(props.body.name))}`,
      );
    else await admin(conn, 'DELETE', itemPath(kind, id));
  } catch (err) {
    // Already gone (deleted with its parent, or by hand), or a subscription already revoked: nothing to do.
    if (
      err instanceof AdminCallError &&
      (err.status === 404 || (kind === 'subscription' && err.status === 409))
    )
      return;
    throw err;
  }
}

export const gatewayObjectProvider: pulumi.dynamic.ResourceProvider = {
  diff: async (_id, olds, news) => diffObject(olds as ObjectInputs, news as ObjectInputs),
  create: (inputs) => createObject(inputs as ObjectInputs),
  read: (id, props) => readObject(id, props as ObjectOutputs),
  update: (id, olds, news) => updateObject(id, olds as ObjectOutputs, news as ObjectInputs),
  delete: (id, props) => deleteObject(id, props as ObjectOutputs),
};
