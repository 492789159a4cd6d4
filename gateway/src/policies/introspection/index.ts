// OAuth 2.0 token introspection (`auth: introspection`, RFC 7662): an opaque Bearer token is POSTed to the
// API's introspection endpoint (through the outbound guard), and an active answer's client is an app's
// registered client id. Answers are kept briefly — active ones for cache.activeMs but never past their exp,
// inactive ones for cache.inactiveMs — and concurrent checks of one token share one request.
import { createHash } from 'node:crypto';
import { GatewayError } from '../../errors/gateway-error.js';
import { throttledWarn } from '../../observability/throttled-log.js';
import { bearerOwner } from '../bearer.js';
import { bearerToken, type Claims, claimsToAuth, tokenRefusal } from '../oauth-claims.js';
import { OutboundJson } from '../outbound-json.js';
import { accepts, definePolicy, type Hooks } from '../policy.js';
import { type IntrospectionSettings, introspectionSettings } from './schema.js';

export const INTROSPECTION_AUTH = 'introspection';
const MISSING = 'send an access token in Authorization: Bearer';
const INACTIVE = 'the token is not active';
const EXPIRED = 'the token has expired';
const NOT_YET = 'the token is not valid yet (nbf)';
const ISSUER = 'the token was issued by an issuer this API does not accept';
const AUDIENCE = 'the token is not meant for this API (aud)';
const UNAVAILABLE = 'the token could not be checked with its issuer; retry later';
/** Answers kept per endpoint at most; the oldest go first. */
const MAX_CACHED = 10_000;

type Answer = { active: boolean; claims: Claims };
type Cached = { answer: Promise<Answer>; until: number };

/** Seconds-since-epoch claim as ms, or null. */
const msOf = (v: unknown) => (typeof v === 'number' ? v * 1000 : null);

export const introspection = definePolicy<IntrospectionSettings>({
  name: 'introspection',
  phase: 'auth',
  authMethod: INTROSPECTION_AUTH,
  settings: {
    key: 'introspection',
    schema: introspectionSettings,
    urls: (s) => [{ field: 'url', url: s.url }],
    secrets: ['clientSecret'],
  },
  create(deps) {
    const http = new OutboundJson(deps.connector, deps.via);
    const warn = throttledWarn(deps.logger, 'token introspection failed');
    // One cache per endpoint and client, shared by the APIs using them and kept across config reloads.
    const caches = new Map<string, Map<string, Cached>>();

    function introspect(s: IntrospectionSettings, token: string): Promise<Answer> {
      const id = `${s.url} ${s.clientId} ${s.cache.activeMs} ${s.cache.inactiveMs}`;
      const cache = caches.get(id) ?? new Map<string, Cached>();
      caches.set(id, cache);
      // Keyed by a hash: the cache never holds a usable token.
      const key = createHash('sha256').update(token).digest('base64url');
      const now = Date.now();
      const hit = cache.get(key);
      if (hit && hit.until > now) return hit.answer;
      const answer = http
        .send(s.url, {
          timeoutMs: s.timeoutMs,
          form: new URLSearchParams({ token, token_type_hint: 'access_token' }),
          headers: {
            authorization: `Basic ${Buffer.from(`${encodeURIComponent(s.clientId)}:${encodeURIComponent(s.clientSecret)}`).toString('base64')}`,
          },
        })
        .then((body): Answer => {
          if (!body || typeof body !== 'object' || typeof (body as Claims).active !== 'boolean')
            throw new Error(`${s.url} answered without a boolean "active"`);
          const claims = body as Claims;
          const exp = msOf(claims.exp);
          const ttl = claims.active ? s.cache.activeMs : s.cache.inactiveMs;
          const entry = cache.get(key);
          if (entry) entry.until = Math.min(Date.now() + ttl, exp ?? Number.POSITIVE_INFINITY);
          return { active: claims.active === true, claims };
        });
      cache.delete(key);
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
      // Until the answer comes, concurrent calls with this token share the request.
      cache.set(key, { answer, until: now + s.timeoutMs });
      answer.catch((err: Error) => {
        cache.delete(key);
        warn(err);
      });
      return answer;
    }

    return {
      bind(api, settings): Hooks | null {
        if (!accepts(api, INTROSPECTION_AUTH) || !settings) return null;
        const owner = bearerOwner(api);
        const toAuth = claimsToAuth(INTROSPECTION_AUTH, settings, api.basePath);
        const skew = 30_000;
        return {
          async authenticate(call) {
            const token = bearerToken(call);
            if (!token || owner(token) !== INTROSPECTION_AUTH) return null;
            let answer: Answer;
            try {
              answer = await introspect(settings, token);
            } catch {
              throw new GatewayError('introspection_unavailable', UNAVAILABLE, {
                headers: { 'retry-after': '5' },
              });
            }
            const { claims } = answer;
            if (!answer.active) throw tokenRefusal('token_invalid', INACTIVE);
            // The server said active when asked; a cached answer may have outlived the token since.
            const exp = msOf(claims.exp);
            if (exp !== null && exp <= call.ts) throw tokenRefusal('token_expired', EXPIRED);
            const nbf = msOf(claims.nbf);
            if (nbf !== null && nbf > call.ts + skew) throw tokenRefusal('token_not_yet_valid', NOT_YET);
            if (settings.issuers.length && !settings.issuers.includes(claims.iss as string))
              throw tokenRefusal('token_issuer_invalid', ISSUER);
            if (settings.audiences.length) {
              const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
              if (!aud.some((a) => settings.audiences.includes(a as string)))
                throw tokenRefusal('token_audience_invalid', AUDIENCE);
            }
            return toAuth(call, claims);
          },
          missing: () => tokenRefusal('token_missing', MISSING),
        };
      },
      close: () => http.close(),
    };
  },
});
