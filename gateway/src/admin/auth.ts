// Admin authentication: the platform token or a live admin token, read from the in-memory snapshot (no
// database hit per request). Failed attempts are counted per client IP, but a valid credential is never
// refused for them (docs/security.md, "Admin lock-out"): only wrong guesses are slowed down.
import type { Request } from 'express';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors/gateway-error.js';
import { takeOrRefuse } from '../people/login-throttle.js';
import { csrfMatches, liveSession, sessionSecretOf } from '../people/sessions.js';
import { TENANT_HEADER, userPrincipal } from '../people/user-principal.js';
import { hashSecret, safeEqual } from '../security/secrets.js';
import type { AdminTokenEntry } from '../snapshot/snapshot.js';
import { type Principal, type TenantRole, tenantRoles } from './principal.js';

export interface AuthOptions {
  /** Failed attempts allowed per client IP per window; the next failure from that IP gets 429. */
  maxFailures?: number;
  windowSeconds?: number;
}

const BEARER = /^Bearer +(\S{1,512})$/i;
// RFC 6750 §3: a 401 for a bearer-protected resource names the scheme.
const FAILED = 'too many failed authentication attempts';
const CHALLENGE = { 'www-authenticate': 'Bearer realm="gateway-admin"' };

export type Authenticate = (req: Request) => Promise<Principal>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The origin browsers use for the admin API: PUBLIC_URL's, or the one this request was addressed to. */
export function ownOrigin(req: Request, publicUrl: string | undefined): string {
  return publicUrl ? new URL(publicUrl).origin : `${req.protocol}://${req.get('host')}`;
}

/**
 * A cookie rides along on cross-site requests, so a cookie-authenticated write must prove it came from our own
 * pages: the Origin header must be ours, and the CSRF token (readable only by our pages) must match.
 */
function checkCsrf(req: Request, secret: string, publicUrl: string | undefined): void {
  if (SAFE_METHODS.has(req.method)) return;
  if (req.get('origin') !== ownOrigin(req, publicUrl)) {
    throw new GatewayError(
      'forbidden',
      'cross-site request refused: the Origin header is missing or not this site',
    );
  }
  if (!csrfMatches(secret, req.get('x-csrf-token'))) {
    throw new GatewayError('forbidden', 'cross-site request refused: missing or wrong X-CSRF-Token');
  }
}

/** What a tenant token grants; personal tokens resolve through their user (people/). */
function tenantTokenPrincipal(entry: AdminTokenEntry): Principal | null {
  if (entry.userId !== null || entry.tenantId === null) return null;
  if (!tenantRoles.includes(entry.role as TenantRole)) return null;
  return {
    kind: 'tenant',
    tenantId: entry.tenantId,
    role: entry.role as TenantRole,
    actor: { type: 'tenant-token', tokenId: entry.id },
  };
}

export function createAuthenticator(ctx: GatewayContext, options: AuthOptions = {}): Authenticate {
  const maxFailures = options.maxFailures ?? 20;
  const windowSeconds = options.windowSeconds ?? 60;
  // Compare digests, not the tokens: equal-length inputs make the comparison constant-time.
  const platformHash = hashSecret(ctx.env.ADMIN_TOKEN);

  async function resolve(header: string | undefined): Promise<Principal | null> {
    const match = header ? BEARER.exec(header) : null;
    if (!match) return null;
    const hash = hashSecret(match[1]!);
    if (safeEqual(hash, platformHash)) return { kind: 'platform', actor: { type: 'platform-token' } };
    if (!ctx.snapshot.loaded) throw new GatewayError('store_unavailable', 'configuration not loaded yet');
    const entry = ctx.snapshot.current.adminTokens.get(hash);
    if (!entry || (entry.expiresAt !== null && entry.expiresAt <= Date.now())) return null;
    if (entry.userId === null) return tenantTokenPrincipal(entry);
    return userPrincipal(ctx.store.db, entry.userId, undefined, {
      via: 'token',
      tokenId: entry.id,
      scope: { tenantId: entry.tenantId, role: entry.role },
    });
  }

  /** A browser session from the cookie (only when no Authorization header: automation never rides a cookie). */
  async function fromSession(req: Request, secret: string): Promise<Principal> {
    const session = await liveSession(ctx.store.db, ctx.env, secret);
    const principal = session
      ? await userPrincipal(ctx.store.db, session.user_id, req.get(TENANT_HEADER), { via: 'session' })
      : null;
    if (!session || !principal || principal.actor.type !== 'user') {
      throw new GatewayError('unauthorized', 'session expired or revoked; sign in again', {
        headers: CHALLENGE,
      });
    }
    checkCsrf(req, secret, ctx.env.PUBLIC_URL);
    principal.actor.sessionId = session.id;
    return principal;
  }

  return async function authenticate(req) {
    // Tokens are 160-bit random values: guessing one is hopeless with or without a throttle, so a valid one
    // always passes and nobody can lock the admins out by failing on purpose from a shared IP.
    const secret = req.headers.authorization ? undefined : sessionSecretOf(req);
    if (secret) return fromSession(req, secret);
    const principal = await resolve(req.headers.authorization);
    if (principal) return principal;
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    // Counted in the limits' store, so every worker (and, with Redis, every replica) sees the same failures.
    await takeOrRefuse(ctx.limits.store, `admin-auth:${ip}`, maxFailures, windowSeconds, FAILED);
    const detail = req.headers.authorization ? 'invalid or revoked token' : 'missing bearer token';
    throw new GatewayError('unauthorized', detail, { headers: CHALLENGE });
  };
}
