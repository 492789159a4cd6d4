// One openid-client Configuration per configured provider, discovered on first use and kept; a failed discovery
// is not kept, so an identity provider that was down at the first sign-in is tried again at the next.
import * as oidc from 'openid-client';
import type { Env } from '../../config/env.js';
import { type OidcProvider, secretOf } from '../../config/oidc.js';
import type { GatewayContext } from '../../context.js';
import { GatewayError } from '../../errors/gateway-error.js';

const DISCOVERY_TIMEOUT_SECONDS = 10;

export class SsoClients {
  readonly #configs = new Map<string, Promise<oidc.Configuration>>();

  constructor(readonly providers: readonly OidcProvider[]) {}

  find(id: string): OidcProvider {
    const provider = this.providers.find((p) => p.id === id);
    if (!provider) throw new GatewayError('not_found', `sign-in provider ${id} not found`);
    return provider;
  }

  /** The provider's discovered configuration; 502 when its issuer cannot be reached or read. */
  async config(provider: OidcProvider): Promise<oidc.Configuration> {
    let pending = this.#configs.get(provider.id);
    if (!pending) {
      pending = discover(provider);
      this.#configs.set(provider.id, pending);
      pending.catch(() => this.#configs.delete(provider.id));
    }
    try {
      return await pending;
    } catch {
      throw new GatewayError(
        'upstream_unavailable',
        `the identity provider of ${provider.id} could not be reached; try again later`,
      );
    }
  }
}

function discover(provider: OidcProvider): Promise<oidc.Configuration> {
  // Validated at start-up to be set; read here so the secret never sits in the parsed configuration.
  const secret = secretOf(provider.clientSecret) ?? '';
  const insecure = provider.issuer.startsWith('http:'); // loopback only (config/oidc.ts)
  return oidc.discovery(
    new URL(provider.issuer),
    provider.clientId,
    undefined,
    oidc.ClientSecretBasic(secret),
    {
      timeout: DISCOVERY_TIMEOUT_SECONDS,
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    },
  );
}

const clients = new WeakMap<Env, SsoClients>();

/** The gateway's providers (one set per parsed configuration). */
export function ssoClientsOf(env: Env): SsoClients {
  let found = clients.get(env);
  if (!found) {
    found = new SsoClients(env.OIDC_PROVIDERS);
    clients.set(env, found);
  }
  return found;
}

/**
 * A mapping that names a tenant which does not exist is most likely a typo in OIDC_PROVIDERS, which the schema
 * cannot see: said once per provider at start-up (the roles are not granted until the tenant exists).
 */
export async function warnUnknownSsoTenants(ctx: GatewayContext): Promise<void> {
  for (const provider of ctx.env.OIDC_PROVIDERS) {
    const named = [...new Set(provider.roles.flatMap((r) => (r.tenantId ? [r.tenantId] : [])))];
    if (named.length === 0) continue;
    const rows = await ctx.store.db.selectFrom('tenants').select('id').where('id', 'in', named).execute();
    const missing = named.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length > 0) {
      ctx.logger.warn(
        { provider: provider.id, tenants: missing },
        'OIDC_PROVIDERS maps roles in tenants that do not exist; those roles are not granted',
      );
    }
  }
}
