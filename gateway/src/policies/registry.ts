// The policy registry: every data-plane policy, one line each. The chain, the admin API's check of an API's
// `settings` and the OpenAPI document all read it, so a new policy is its folder plus one line below.
import { z } from 'zod';
import { aiServe } from './ai-serve/index.js';
import { bodyLimit } from './body-limit/index.js';
import { cors } from './cors/index.js';
import { forward } from './forward/index.js';
import { introspection } from './introspection/index.js';
import { jwtAuth } from './jwt-auth/index.js';
import { keyAuth } from './key-auth/index.js';
import { mtlsAuth } from './mtls-auth/index.js';
import { ANONYMOUS, type PolicyDefinition, phases } from './policy.js';
import { rateLimit } from './rate-limit/index.js';
import { subscription } from './subscription/index.js';

/** The default set, in chain order within each phase (route-match runs before all of them: data-plane/router). */
export const defaultPolicies: readonly PolicyDefinition[] = [
  cors, // early: preflight 204 before the key (browsers send none); CORS headers on every answer
  keyAuth, // auth: 401
  jwtAuth, // auth: 401 (bad or unmapped token), 403 (scope), 503 (JWKS down past its stale bound)
  introspection, // auth: 401 (inactive or unmapped token), 403 (scope), 503 (endpoint down, answer not cached)
  mtlsAuth, // auth: 401 (no certificate, untrusted, expired, revoked or unmapped)
  subscription, // access: 403
  bodyLimit, // limit: 413 (declared length, then the streamed body)
  rateLimit, // limit: 429 (rate, quotas), 503 if the limits store is down and closed
  aiServe, // serve: kinds ai and prompt (429 token quota, 502 / 504, or the model's answer)
  forward, // serve: kind rest (502 / 504, or the upstream's answer)
];

/** A validated, ordered set of policy definitions. */
export class PolicyRegistry {
  /** In chain order: by phase, then as listed. */
  readonly definitions: readonly PolicyDefinition[];
  /** Settings members owned by a policy, by key. */
  readonly settings: ReadonlyMap<string, z.ZodType>;
  /** The values an API's `auth` field may take: each auth policy's method, then `none`. */
  readonly authModes: readonly [string, ...string[]];

  constructor(definitions: readonly PolicyDefinition[] = defaultPolicies) {
    const names = new Set<string>();
    const settings = new Map<string, z.ZodType>();
    const authModes: string[] = [];
    for (const d of definitions) {
      if (names.has(d.name)) throw new Error(`policy ${d.name} is registered twice`);
      names.add(d.name);
      if (d.settings) {
        if (settings.has(d.settings.key)) throw new Error(`settings.${d.settings.key} has two owners`);
        settings.set(d.settings.key, d.settings.schema);
      }
      if ((d.phase === 'auth') !== (d.authMethod !== undefined))
        throw new Error(`policy ${d.name}: an auth-phase policy, and only one, names its authMethod`);
      if (d.authMethod !== undefined) {
        if (authModes.includes(d.authMethod) || d.authMethod === ANONYMOUS)
          throw new Error(`auth method ${d.authMethod} is taken`);
        authModes.push(d.authMethod);
      }
    }
    const rank = (d: PolicyDefinition) => phases.indexOf(d.phase);
    this.definitions = Object.freeze([...definitions].sort((a, b) => rank(a) - rank(b)));
    this.settings = settings;
    const modes: [string, ...string[]] = [ANONYMOUS];
    modes.unshift(...authModes);
    this.authModes = Object.freeze(modes);
  }

  /** Secret members of the policies' settings, as [settings key, member] pairs (policies/sealed-settings.ts). */
  get secretFields(): readonly (readonly [string, string])[] {
    return this.definitions.flatMap((d) =>
      (d.settings?.secrets ?? []).map((f) => [d.settings!.key, f] as const),
    );
  }

  /** The URLs an API's (already checked) settings name for policies to connect to, by dotted field. */
  settingsUrls(settings: Record<string, unknown>): { field: string; url: string }[] {
    const out: { field: string; url: string }[] = [];
    for (const d of this.definitions) {
      const value = d.settings && settings[d.settings.key];
      if (value === undefined || !d.settings?.urls) continue;
      for (const u of d.settings.urls(value))
        out.push({ field: `settings.${d.settings.key}.${u.field}`, url: u.url });
    }
    return out;
  }

  /** The policy-owned members of `settings`, each optional, for the OpenAPI document. */
  settingsSchema(): z.ZodObject {
    const shape: Record<string, z.ZodType> = {};
    for (const [key, schema] of this.settings) shape[key] = schema.optional();
    return z.object(shape).catchall(z.unknown()).meta({
      description:
        "Members owned by a policy (listed) apply to any kind; the rest are the kind's own (a prompt API's model and template…).",
    });
  }
}

/** The registry of a gateway started without a policy list. */
export const defaultRegistry = new PolicyRegistry();
