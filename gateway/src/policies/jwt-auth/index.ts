// JWT authentication (`auth: jwt`): a Bearer JWT signed by a key of the API's JWKS URL, static keys or (HS256
// only) shared secret, from an accepted issuer for an accepted audience, within the clock skew. The client it
// names is an app's registered client id, so subscriptions, plans, limits and the call log work as with keys.
import { createLocalJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { GatewayError } from '../../errors/gateway-error.js';
import { throttledWarn } from '../../observability/throttled-log.js';
import { bearerOwner } from '../bearer.js';
import { bearerToken, claimsToAuth, tokenRefusal } from '../oauth-claims.js';
import { OutboundJson } from '../outbound-json.js';
import { accepts, definePolicy, type Hooks } from '../policy.js';
import { RemoteKeySet } from './jwks.js';
import { asymmetricAlgorithms, type JwtSettings, jwtSettings } from './schema.js';
import { VerifiedTokens } from './verified-cache.js';

export const JWT_AUTH = 'jwt';
const MISSING = 'send a JWT in Authorization: Bearer';
const INVALID = 'the token is not a valid JWT for this API';
const EXPIRED = 'the token has expired';
const NOT_YET = 'the token is not valid yet (nbf)';
const ISSUER = 'the token was issued by an issuer this API does not accept';
const AUDIENCE = 'the token is not meant for this API (aud)';
const FETCH_TIMEOUT_MS = 5000;

/** jose's refusal → ours: each failure its own code, the detail never echoing the token. */
function refusalOf(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const { code, claim } = err as { code?: string; claim?: string };
  if (code === 'ERR_JWT_EXPIRED') return tokenRefusal('token_expired', EXPIRED);
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    if (claim === 'nbf') return tokenRefusal('token_not_yet_valid', NOT_YET);
    if (claim === 'iss') return tokenRefusal('token_issuer_invalid', ISSUER);
    if (claim === 'aud') return tokenRefusal('token_audience_invalid', AUDIENCE);
    return tokenRefusal('token_invalid', `the token's ${claim ?? 'claims'} claim is missing or invalid`);
  }
  return tokenRefusal('token_invalid', INVALID);
}

export const jwtAuth = definePolicy<JwtSettings>({
  name: 'jwt-auth',
  phase: 'auth',
  authMethod: JWT_AUTH,
  settings: {
    key: 'jwt',
    schema: jwtSettings,
    urls: (s) => (s.jwksUrl ? [{ field: 'jwksUrl', url: s.jwksUrl }] : []),
    secrets: ['sharedSecret'],
  },
  create(deps) {
    const http = new OutboundJson(deps.connector, deps.via);
    const warn = throttledWarn(deps.logger, 'JWKS fetch failed; serving the cached keys within their bound');
    const source = {
      fetch: (url: string) => http.send(url, { timeoutMs: FETCH_TIMEOUT_MS }),
      onError: (_url: string, err: Error) => warn(err),
    };
    // One key set per URL and timings, shared by every API naming it and kept across snapshot rebuilds.
    const remote = new Map<string, RemoteKeySet>();
    const remoteKeys = (url: string, t: JwtSettings['jwks']) => {
      const id = `${url} ${t.refreshMs} ${t.cooldownMs} ${t.maxStaleMs}`;
      const set = remote.get(id) ?? new RemoteKeySet(url, t, source);
      remote.set(id, set);
      return set;
    };

    return {
      bind(api, settings): Hooks | null {
        if (!accepts(api, JWT_AUTH) || !settings) return null;
        const owner = bearerOwner(api);
        let key: JWTVerifyGetKey | Uint8Array;
        if (settings.jwksUrl) key = remoteKeys(settings.jwksUrl, settings.jwks).getKey;
        else if (settings.keys) key = createLocalJWKSet({ keys: settings.keys as never });
        else key = new TextEncoder().encode(settings.sharedSecret);
        const options = {
          issuer: settings.issuers,
          audience: settings.audiences,
          algorithms: settings.sharedSecret ? ['HS256'] : (settings.algorithms ?? [...asymmetricAlgorithms]),
          clockTolerance: settings.clockSkewSeconds,
          requiredClaims: ['exp'],
        };
        const toAuth = claimsToAuth(JWT_AUTH, settings, api.basePath);
        // Per API (its issuers, audiences and keys), rebuilt with it when its settings change.
        const verified = new VerifiedTokens(settings.verifiedCache.ttlMs, settings.verifiedCache.maxEntries);
        const verify = async (token: string, now: number) => {
          const cacheKey = VerifiedTokens.keyOf(token);
          const kept = verified.get(cacheKey, now);
          if (kept) return kept;
          try {
            const { payload } = await jwtVerify(token, key as JWTVerifyGetKey, options);
            verified.set(cacheKey, payload, now);
            return payload;
          } catch (err) {
            throw refusalOf(err);
          }
        };
        return {
          async authenticate(call) {
            const token = bearerToken(call);
            if (!token || owner(token) !== JWT_AUTH) return null;
            // Scopes, required claims and the client's app are checked on every call, cached or not.
            return toAuth(call, await verify(token, call.ts));
          },
          missing: () => tokenRefusal('token_missing', MISSING),
        };
      },
      close: () => http.close(),
    };
  },
});
