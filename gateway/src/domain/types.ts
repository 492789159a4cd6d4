// Domain objects shared by the control plane (admin responses) and the data plane (snapshot).
export const apiKinds = ['rest', 'ai', 'prompt'] as const;
export const visibilities = ['private', 'public'] as const;
export const approvalModes = ['manual', 'auto'] as const;
export const apiStatuses = ['draft', 'published', 'deprecated', 'retired'] as const;
export const subscriptionStatuses = ['pending', 'approved', 'rejected', 'suspended', 'revoked'] as const;

export type ApiKind = (typeof apiKinds)[number];
export type ApiStatus = (typeof apiStatuses)[number];
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

export interface Target {
  url: string;
  weight: number;
}

export interface Api {
  id: string;
  tenantId: string;
  name: string;
  basePath: string;
  host: string | null;
  kind: ApiKind;
  /**
   * `none` (anonymous), the method of an auth policy (policies/registry.ts), e.g. `key`, or several methods in
   * the order they are tried (`["key", "jwt"]`, at least two: one is written as the string).
   */
  auth: string | string[];
  visibility: (typeof visibilities)[number];
  approval: (typeof approvalModes)[number];
  status: ApiStatus;
  targets: Target[];
  timeoutMs: number;
  retries: number;
  maxBodyBytes: number;
  /** Kind-specific settings (AI model, prompt template, CORS…), validated by the owning feature. */
  settings: Record<string, unknown>;
  /** Lower-case words the catalog filters by (`payments`, `beta`). */
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

export interface RateLimit {
  requestsPerSecond: number;
  burst: number;
}

export interface Quota {
  requestsPerDay?: number | null;
  requestsPerMonth?: number | null;
  tokensPerDay?: number | null;
  tokensPerMonth?: number | null;
  /** AI: tokens and requests per minute per subscription (OpenAI's TPM and RPM). */
  tokensPerMinute?: number | null;
  requestsPerMinute?: number | null;
  /**
   * AI: the completion tokens a call may use; a call that asks for none or more is sent with this cap, and
   * it is what a call reserves for its completion.
   */
  maxTokensPerCall?: number | null;
}

export interface Plan {
  id: string;
  apiId: string;
  name: string;
  rateLimit: RateLimit | null;
  quota: Quota | null;
  createdAt: string;
  updatedAt: string;
}

/** A cap across all apps of one consumer tenant, on top of each subscription's plan. */
export interface TenantLimits {
  rateLimit?: RateLimit | null;
  quota?: Pick<Quota, 'requestsPerDay' | 'requestsPerMonth'> | null;
}

/** Only these statuses route traffic. */
export const routableStatuses: ReadonlySet<ApiStatus> = new Set(['published', 'deprecated']);

/** Subscription transitions: action → (from statuses → to status). Anything else is a 409. */
export const subscriptionTransitions = {
  approve: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  suspend: { from: ['approved'], to: 'suspended' },
  resume: { from: ['suspended'], to: 'approved' },
  revoke: { from: ['pending', 'approved', 'suspended'], to: 'revoked' },
} as const satisfies Record<string, { from: readonly SubscriptionStatus[]; to: SubscriptionStatus }>;

/** API lifecycle transitions, same shape. */
export const apiTransitions = {
  publish: { from: ['draft', 'deprecated'], to: 'published' },
  deprecate: { from: ['published'], to: 'deprecated' },
  retire: { from: ['draft', 'published', 'deprecated'], to: 'retired' },
} as const satisfies Record<string, { from: readonly ApiStatus[]; to: ApiStatus }>;
