// Table types for Kysely. JSON-valued columns are stored as text so SQLite and PostgreSQL share one schema.
import type { Generated } from 'kysely';

export interface TenantTable {
  id: string;
  name: string;
  created_at: string;
  /** JSON: { rateLimit, quota } across all of the tenant's apps, or null. */
  limits: string | null;
}

export interface UserTable {
  id: string;
  /** Lower-cased. */
  email: string;
  display_name: string;
  status: 'invited' | 'active' | 'disabled';
  /** argon2id PHC string; null until the user sets a password (or for SSO-only users). */
  password_hash: string | null;
  platform_admin: number;
  created_at: string;
  last_login_at: string | null;
}

export interface MembershipTable {
  user_id: string;
  tenant_id: string;
  role: string;
  created_at: string;
}

export interface SessionTable {
  /** Public id (`ses_…`), to list and revoke; the cookie carries a separate secret stored as `hash`. */
  id: string;
  hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  /** Absolute expiry. */
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
  via: 'password' | 'sso' | 'link';
  revoked_at: string | null;
}

export interface OneTimeLinkTable {
  hash: string;
  user_id: string;
  /** `login`: a one-time sign-in link (the demo's console link), redeemed by POST /admin/v1/session/link. */
  purpose: 'invite' | 'reset' | 'login';
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface SsoLoginTable {
  /** SHA-256 of the state parameter (the browser holds the state itself, in a short-lived cookie). */
  state_hash: string;
  provider_id: string;
  code_verifier: string;
  nonce: string;
  redirect_uri: string;
  /** Where the browser goes once signed in: a path on this site. */
  return_to: string;
  expires_at: string;
}

/** A provider's subject linked to a user: found by (provider, sub) on every later sign-in. */
export interface SsoIdentityTable {
  provider_id: string;
  subject: string;
  user_id: string;
  created_at: string;
  last_login_at: string;
}

/** Tenant tokens (user_id null) and personal access tokens (platform-wide when tenant_id is null). */
export interface AdminTokenTable {
  id: string;
  tenant_id: string | null;
  user_id: string | null;
  /** A tenant role, or `platform`. */
  role: string;
  name: string | null;
  hash: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface ApiTable {
  id: string;
  tenant_id: string;
  name: string;
  /** host + base path: unique, so two APIs can never claim the same route. */
  route_key: string;
  base_path: string;
  host: string | null;
  kind: string;
  auth: string;
  visibility: string;
  approval: string;
  status: string;
  /** JSON: [{ url, weight }] */
  targets: string;
  timeout_ms: number;
  retries: number;
  max_body_bytes: number;
  /** JSON: kind-specific settings (AI model, prompt template, CORS…). */
  settings: string;
  /** JSON array of tags (lower-case words), for the catalog. */
  tags: string;
  created_at: string;
  updated_at: string;
}

export interface PlanTable {
  id: string;
  api_id: string;
  name: string;
  /** JSON: { requestsPerSecond, burst } or null */
  rate_limit: string | null;
  /** JSON: { requestsPerDay, requestsPerMonth, tokensPerDay, tokensPerMonth } or null */
  quota: string | null;
  created_at: string;
  updated_at: string;
}

export interface AppTable {
  id: string;
  tenant_id: string;
  name: string;
  created_at: string;
}

export interface ApiKeyTable {
  id: string;
  app_id: string;
  name: string | null;
  prefix: string;
  hash: string;
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

/** An OAuth client id or client certificate an app is known by (migration 013). */
export interface AppClientTable {
  id: string;
  app_id: string;
  /** `client_id`, `cert_sha256` or `cert_subject` (domain/app-clients.ts). */
  kind: string;
  value: string;
  created_at: string;
}

export interface SubscriptionTable {
  id: string;
  app_id: string;
  api_id: string;
  plan_id: string;
  /** A plan change the consumer asked for, waiting for the API owner; `plan_id` serves until then. */
  pending_plan_id: string | null;
  status: string;
  reason: string | null;
  comment: string | null;
  created_at: string;
  updated_at: string;
}

export interface ConfigVersionTable {
  id: number;
  version: number;
}

/** One snapshot entry touched by a write (migrations/007-config-changes.ts): entity is the table name. */
export interface ConfigChangeTable {
  seq: Generated<number>;
  version: number;
  entity: string;
  key: string;
}

export interface CallLogTable {
  id: Generated<number>;
  ts: number;
  request_id: string;
  tenant_id: string | null;
  api_id: string | null;
  app_id: string | null;
  app_tenant_id: string | null;
  subscription_id: string | null;
  method: string;
  path: string;
  status: number;
  latency_ms: number;
  upstream_latency_ms: number | null;
  bytes_in: number;
  bytes_out: number;
  client_ip: string | null;
  error_kind: string | null;
  model: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  cost_usd: number | null;
  /** JSON: the provider attempts of an AI call, or null. */
  attempts: string | null;
  /** The auth method that let the call in; null for anonymous and refused calls. */
  auth_method: string | null;
  client_request_id: string | null;
  /** `hit` | `miss` for AI calls through a response cache. */
  ai_cache: string | null;
  /** JSON: `{ prompt?: { <pattern>: n }, answer?: … }`, what the AI masking guardrail replaced. */
  masked: string | null;
}

export interface AiProviderTable {
  id: string;
  tenant_id: string;
  name: string;
  /** `openai` | `anthropic` | `azure` | `gemini` */
  type: string;
  base_url: string;
  /** Connections the gateway opens to this provider at most; calls beyond wait their turn (fairly). */
  max_connections: number;
  /** JSON of ai/provider-options.ts (preset, apiVersion, deployments, headers); null when unused. */
  options: string | null;
  created_at: string;
  updated_at: string;
}

export interface AiProviderKeyTable {
  id: string;
  provider_id: string;
  /** AES-256-GCM ciphertext of the upstream key (security/secret-box.ts). */
  sealed: string;
  /** The last characters of the key, for people to tell keys apart. */
  hint: string;
  priority: number;
  created_at: string;
}

export interface AiModelTable {
  id: string;
  tenant_id: string;
  name: string;
  provider_id: string;
  upstream_model: string;
  input_price_per_1k: number;
  output_price_per_1k: number;
  fallback_model_id: string | null;
  /** Across all consumers of the model, per gateway (Redis: per cluster). */
  tokens_per_minute: number | null;
  requests_per_minute: number | null;
  /** `weighted` | `least-busy` | `latency` (ai/routing). */
  routing: string;
  /** The weight of the model's own provider among its deployments. */
  weight: number;
  /** JSON: the model's other deployments, `[{ providerId, upstreamModel, weight, …prices }]`. */
  deployments: string;
  created_at: string;
  updated_at: string;
}

export interface AiBudgetTable {
  id: string;
  tenant_id: string;
  /** `app` | `tenant` */
  scope: string;
  scope_id: string;
  usd_per_day: number | null;
  usd_per_month: number | null;
  created_at: string;
  updated_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  ts: number;
  actor_kind: string;
  actor_id: string | null;
  actor_label: string | null;
  actor_tenant_id: string | null;
  action: string;
  method: string | null;
  path: string | null;
  target_type: string | null;
  target_id: string | null;
  tenant_id: string | null;
  app_tenant_id: string | null;
  /** JSON, secrets redacted; null for a creation. */
  before: string | null;
  /** JSON, secrets redacted; null for a deletion. */
  after: string | null;
  ip: string | null;
  request_id: string | null;
}

export interface WebhookTable {
  id: string;
  tenant_id: string;
  name: string;
  url: string;
  /** JSON array of event types. */
  events: string;
  enabled: number;
  /** The signing secret, sealed (security/secret-box.ts), bound to the webhook id. */
  secret_sealed: string;
  /** The secret's last four characters, shown to tell secrets apart. */
  secret_hint: string;
  /** After a rotation: the previous secret, still signing beside the new one until the expiry (epoch ms). */
  previous_secret_sealed: string | null;
  previous_secret_expires_at: number | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveryTable {
  id: Generated<number>;
  webhook_id: string;
  event_id: string;
  event_type: string;
  /** The JSON body sent, byte for byte (the signature covers it). */
  payload: string;
  /** Epoch ms the event happened. */
  ts: number;
  /** `pending` | `delivered` | `failed` */
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  last_attempt_at: number | null;
  response_status: number | null;
  error: string | null;
  delivered_at: number | null;
}

export interface WebhookNoticeTable {
  tenant_id: string;
  notice: string;
  created_at: string;
}

export interface ApiSpecTable {
  api_id: string;
  /** The OpenAPI document as JSON text. */
  document: string;
  openapi: string;
  title: string;
  version: string;
  bytes: number;
  updated_at: string;
}

export interface Database {
  tenants: TenantTable;
  admin_tokens: AdminTokenTable;
  users: UserTable;
  memberships: MembershipTable;
  sessions: SessionTable;
  one_time_links: OneTimeLinkTable;
  sso_logins: SsoLoginTable;
  sso_identities: SsoIdentityTable;
  apis: ApiTable;
  api_specs: ApiSpecTable;
  plans: PlanTable;
  apps: AppTable;
  api_keys: ApiKeyTable;
  app_clients: AppClientTable;
  subscriptions: SubscriptionTable;
  config_version: ConfigVersionTable;
  config_changes: ConfigChangeTable;
  call_logs: CallLogTable;
  webhooks: WebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_notices: WebhookNoticeTable;
  ai_providers: AiProviderTable;
  ai_provider_keys: AiProviderKeyTable;
  ai_models: AiModelTable;
  audit_log: AuditLogTable;
  ai_budgets: AiBudgetTable;
}
