// Gateway objects as Pulumi resources: each a dynamic resource over the admin API (provider.ts), with typed
// args named like the admin API's create bodies. The connection's token, AI provider keys and API settings
// stay secrets.
import * as pulumi from '@pulumi/pulumi';
import { type GatewayConnection, gatewayObjectProvider, type ObjectKind } from './provider.js';

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

interface Common {
  /** Where the admin API is reached from where `pulumi up` runs, and the token used. */
  connection: pulumi.Input<Inputs<GatewayConnection>>;
}

export interface TenantArgs extends Common {
  name: pulumi.Input<string>;
  /** A cap across all of the tenant's apps (docs/admin-api.md). */
  limits?: pulumi.Input<Record<string, unknown>>;
}

export interface ApiArgs extends Common {
  tenantId: pulumi.Input<string>;
  name: pulumi.Input<string>;
  basePath: pulumi.Input<string>;
  targets?: pulumi.Input<Inputs<{ url: string; weight?: number }>[]>;
  host?: pulumi.Input<string | null>;
  kind?: pulumi.Input<'rest' | 'ai' | 'prompt'>;
  /** One method, `none`, or several tried in order (docs/auth.md). */
  auth?: pulumi.Input<string | string[]>;
  visibility?: pulumi.Input<'private' | 'public'>;
  approval?: pulumi.Input<'manual' | 'auto'>;
  timeoutMs?: pulumi.Input<number>;
  retries?: pulumi.Input<number>;
  maxBodyBytes?: pulumi.Input<number>;
  settings?: pulumi.Input<Record<string, unknown>>;
  /** Lifecycle status to reach: draft (default), published, deprecated or retired. */
  status?: pulumi.Input<'draft' | 'published' | 'deprecated' | 'retired'>;
}

export interface PlanArgs extends Common {
  apiId: pulumi.Input<string>;
  name: pulumi.Input<string>;
  rateLimit?: pulumi.Input<{ requestsPerSecond: number; burst: number } | null>;
  quota?: pulumi.Input<Record<string, number | null> | null>;
}

export interface AppArgs extends Common {
  tenantId: pulumi.Input<string>;
  name: pulumi.Input<string>;
}

export interface SubscriptionArgs extends Common {
  appId: pulumi.Input<string>;
  apiId: pulumi.Input<string>;
  planId: pulumi.Input<string>;
  /** approved (default: the platform token approves it), pending or suspended. */
  status?: pulumi.Input<'pending' | 'approved' | 'suspended'>;
}

export interface AiProviderArgs extends Common {
  tenantId: pulumi.Input<string>;
  name: pulumi.Input<string>;
  type: pulumi.Input<string>;
  baseUrl: pulumi.Input<string>;
  /** Upstream keys; kept as secrets in the state. */
  keys: pulumi.Input<Inputs<{ key: string; priority?: number }>[]>;
}

export interface AiModelArgs extends Common {
  tenantId: pulumi.Input<string>;
  name: pulumi.Input<string>;
  providerId: pulumi.Input<string>;
  upstreamModel: pulumi.Input<string>;
  inputPricePer1k?: pulumi.Input<number>;
  outputPricePer1k?: pulumi.Input<number>;
  fallbackModelId?: pulumi.Input<string | null>;
}

/** Splits args into the provider's inputs: the connection (token secret), the body, the status. */
function inputsOf(kind: ObjectKind, args: Common & { status?: pulumi.Input<string> }, secretBody = false) {
  const { connection, status, ...body } = args;
  const defined: Record<string, unknown> = Object.fromEntries(
    Object.entries(body).filter(([, v]) => v !== undefined),
  );
  // An API's policy settings can hold secrets (a JWT `sharedSecret`, an introspection `clientSecret`): such
  // settings are a secret in the state, which makes the API's whole body one (a preview shows `[secret]`).
  if (kind === 'api' && defined.settings !== undefined)
    defined.settings = pulumi.output(defined.settings).apply((v) => (holdsSecret(v) ? pulumi.secret(v) : v));
  return {
    kind,
    connection: pulumi.output(connection).apply((c) => ({ url: c.url, token: pulumi.secret(c.token) })),
    body: secretBody ? pulumi.secret(defined) : defined,
    status: kind === 'subscription' ? (status ?? 'approved') : status,
    view: undefined,
  };
}

/** True when a settings object names a secret field (`…Secret`) with a value, at any depth. */
function holdsSecret(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(
    ([k, v]) => (/Secret$/.test(k) && typeof v === 'string' && v !== '') || holdsSecret(v),
  );
}

export abstract class GatewayObject extends pulumi.dynamic.Resource {
  /** The admin API's view of the object (ids, timestamps, status). */
  declare readonly view: pulumi.Output<Record<string, unknown>>;

  constructor(
    type: string,
    kind: ObjectKind,
    name: string,
    args: Common & { status?: pulumi.Input<string> },
    opts?: pulumi.CustomResourceOptions,
    secretBody = false,
  ) {
    super(gatewayObjectProvider, name, inputsOf(kind, args, secretBody), opts, 'gateway-kit', type);
  }
}

/** One resource class per kind: `new Tenant(name, args)`, typed by its args. */
function objectClass<Args extends Common & { status?: pulumi.Input<string> }>(
  type: string,
  kind: ObjectKind,
  secretBody = false,
): new (
  name: string,
  args: Args,
  opts?: pulumi.CustomResourceOptions,
) => GatewayObject {
  return class extends GatewayObject {
    constructor(name: string, args: Args, opts?: pulumi.CustomResourceOptions) {
      super(type, kind, name, args, opts, secretBody);
    }
  };
}

export const Tenant = objectClass<TenantArgs>('Tenant', 'tenant');
export const Api = objectClass<ApiArgs>('Api', 'api');
export const Plan = objectClass<PlanArgs>('Plan', 'plan');
export const App = objectClass<AppArgs>('App', 'app');
export const Subscription = objectClass<SubscriptionArgs>('Subscription', 'subscription');
/** Its keys are secrets in the state. */
export const AiProvider = objectClass<AiProviderArgs>('AiProvider', 'aiProvider', true);
export const AiModel = objectClass<AiModelArgs>('AiModel', 'aiModel');
