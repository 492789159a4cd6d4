// What a policy is: a name, a phase, an optional settings member (zod) and a factory. docs/policies.md walks
// through writing one; docs/decisions/0006-policy-pipeline.md says why hooks rather than (call, next).
import type { OutgoingHttpHeaders } from 'node:http';
import type { Registry } from 'prom-client';
import type { buildConnector } from 'undici';
import type { z } from 'zod';
import type { AuthResult, RoutedCall } from '../data-plane/call.js';
import type { Api } from '../domain/types.js';
import type { GatewayError } from '../errors/gateway-error.js';
import type { Limits, QuotaCrossing } from '../limits/limits.js';
import type { Logger } from '../observability/logger.js';
import type { Upstreams } from '../upstream/upstreams.js';

/**
 * The request phases, in the order they run. `serve` answers the call (forward, AI) and is the one phase a
 * WebSocket upgrade does not run: the tunnel is its answer.
 */
export const phases = ['early', 'auth', 'access', 'limit', 'serve'] as const;
export type Phase = (typeof phases)[number];

/** `auth: none`: an anonymous API (no auth policy runs, no subscription is needed). */
export const ANONYMOUS = 'none';

/** The methods an API accepts, in order (empty for `none`). */
export function authMethodsOf(api: Pick<Api, 'auth'>): readonly string[] {
  if (Array.isArray(api.auth)) return api.auth;
  return api.auth === ANONYMOUS ? [] : [api.auth];
}

/** True when the API accepts `method`, alone or among others. */
export function accepts(api: Pick<Api, 'auth'>, method: string): boolean {
  return api.auth === method || (Array.isArray(api.auth) && api.auth.includes(method));
}

/** The request half: throw a GatewayError to refuse, or answer (`call.writeHead`) to end the chain early. */
export type RequestHook = (call: RoutedCall) => void | Promise<void>;
/** The response half: adjusts the head of whatever answer the call gets (upstream, AI, problem, preflight). */
export type ResponseHook = (call: RoutedCall, headers: OutgoingHttpHeaders) => void;

/** One policy bound to one API's settings. Every member is optional: a policy uses the halves it needs. */
export interface Hooks {
  request?: RequestHook;
  response?: ResponseHook;
  /**
   * Auth phase only: who the caller is by this method, null when the call carries no credential of this
   * method (another accepted method may find one), a GatewayError thrown when it carries a bad one.
   */
  authenticate?: (call: RoutedCall) => AuthResult | null | Promise<AuthResult | null>;
  /** Auth phase only: the refusal when no accepted method found a credential (401 with its challenge). */
  missing?: () => GatewayError;
  /** Rewrites a refusal of this API before it is rendered (an AI API answers in its wire format). */
  error?: (call: RoutedCall, error: GatewayError) => GatewayError;
}

/** What the gateway hands every policy factory once, at start-up. */
export interface PolicyDeps {
  logger: Logger;
  upstreams: Upstreams;
  limits: Limits;
  /** LIMITS_ON_STORE_ERROR: serve without limits (`open`) or refuse with 503 (`closed`). */
  onLimitsStoreError: 'open' | 'closed';
  reportLimitsStoreError(err: Error): void;
  /** Opens the sockets a policy makes itself: the outbound guard's (security/outbound.ts). */
  connector: buildConnector.connector;
  /** The gateway's Via hop, for requests a policy sends itself (loop detection, security/outbound.ts). */
  via: string;
  /** SECRET_KEY, or ADMIN_TOKEN when unset: opens sealed secrets (AI provider keys). */
  secret: string;
  /** Where a policy registers its own metrics (served on /metrics). */
  registry: Registry;
  /** REDIS_URL, for a policy that keeps shared state of its own (the AI response cache). */
  redisUrl?: string | undefined;
  /** A subscribed call took a request quota past 80 % or 100 % (webhooks/quota-events.ts); must not throw. */
  onQuotaCrossed?(call: RoutedCall, crossed: QuotaCrossing[]): void;
}

/** A policy made once per gateway: binds itself to each API when a snapshot is built. */
export interface PolicyInstance<S> {
  /** The hooks for this API with its parsed settings (undefined when it has none), or null when off for it. */
  bind(api: Api, settings: S | undefined): Hooks | null;
  close?(): Promise<void>;
}

export interface PolicyDefinition<S = unknown> {
  readonly name: string;
  readonly phase: Phase;
  /**
   * The member of an API's `settings` this policy owns: the admin API validates it with `schema`, the
   * OpenAPI document describes it, and the snapshot build parses it into the typed value `bind` receives.
   */
  readonly settings?: {
    readonly key: string;
    readonly schema: z.ZodType<S>;
    /** URLs the settings name that the policy will open sockets to: the outbound guard checks them when written. */
    urls?(settings: S): { field: string; url: string }[];
    /**
     * Members holding secrets (strings): sealed at rest, shown masked by the admin API, exported as
     * `${env:NAME}` references (policies/sealed-settings.ts).
     */
    secrets?: readonly string[];
  };
  /** Auth phase only: the value of an API's `auth` field that selects this method. */
  readonly authMethod?: string;
  create(deps: PolicyDeps): PolicyInstance<S>;
}

/** Keeps `S` tied between the settings schema and `bind` (a plain object literal would widen it). */
export function definePolicy<S>(definition: PolicyDefinition<S>): PolicyDefinition<S> {
  return definition;
}
