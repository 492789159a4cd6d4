// Admin authentication: the platform token or a live tenant token, read from the in-memory snapshot (no
// database hit per request), with failed attempts rate-limited per client IP against token guessing.
import type { Request } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors/gateway-error.js';
import { hashSecret, safeEqual } from '../security/secrets.js';
import type { Principal } from './principal.js';

export interface AuthOptions {
  /** Failed attempts allowed per client IP per window; the next request from that IP gets 429. */
  maxFailures?: number;
  windowSeconds?: number;
}

const BEARER = /^Bearer +(\S{1,512})$/i;
// RFC 6750 §3: a 401 for a bearer-protected resource names the scheme.
const CHALLENGE = { 'www-authenticate': 'Bearer realm="gateway-admin"' };

export type Authenticate = (req: Request) => Promise<Principal>;

export function createAuthenticator(ctx: GatewayContext, options: AuthOptions = {}): Authenticate {
  const maxFailures = options.maxFailures ?? 20;
  const failures = new RateLimiterMemory({ points: maxFailures, duration: options.windowSeconds ?? 60 });
  // Compare digests, not the tokens: equal-length inputs make the comparison constant-time.
  const platformHash = hashSecret(ctx.env.ADMIN_TOKEN);

  function resolve(header: string | undefined): Principal | null {
    const match = header ? BEARER.exec(header) : null;
    if (!match) return null;
    const hash = hashSecret(match[1]!);
    if (safeEqual(hash, platformHash)) return { kind: 'platform' };
    if (!ctx.snapshot.loaded) throw new GatewayError('store_unavailable', 'configuration not loaded yet');
    const tenantId = ctx.snapshot.current.tenantTokens.get(hash);
    return tenantId ? { kind: 'tenant', tenantId } : null;
  }

  function tooMany(msBeforeNext: number): GatewayError {
    const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
    return new GatewayError(
      'too_many_attempts',
      `too many failed authentication attempts; retry in ${seconds}s`,
      {
        headers: { 'retry-after': String(seconds) },
      },
    );
  }

  return async function authenticate(req) {
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    // A blocked IP is refused before its token is even looked at, or the block would not slow guessing.
    const seen = await failures.get(ip);
    if (seen && seen.consumedPoints >= maxFailures) throw tooMany(seen.msBeforeNext);
    const principal = resolve(req.headers.authorization);
    if (principal) return principal;
    try {
      await failures.consume(ip);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw tooMany(rejection.msBeforeNext);
      throw rejection;
    }
    const detail = req.headers.authorization ? 'invalid or revoked token' : 'missing bearer token';
    throw new GatewayError('unauthorized', detail, { headers: CHALLENGE });
  };
}
