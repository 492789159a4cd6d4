// Which auth method an `Authorization: Bearer` credential is for, when an API accepts several methods that read
// that header (key, jwt, introspection): told by its shape, so a JWT is never checked as an API key, and an
// API key never leaves the gateway for an introspection endpoint.
import type { Api } from '../domain/types.js';
import { authMethodsOf } from './policy.js';

/** The methods that read `Authorization: Bearer`, by their `auth` value. */
const BEARER_METHODS = new Set(['key', 'jwt', 'introspection']);
/** An API key the gateway issued (security/secrets.ts issueKey): `gk_<hex>.<secret>`. */
const KEY_SHAPE = /^gk_[0-9a-f]+\.[A-Za-z0-9_-]+$/;
/** A JWS in compact form: three base64url parts. */
const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The method of `api` a Bearer token belongs to: the only Bearer method when there is one (it judges every
 * token, well-formed or not); else a key-shaped token is the key method's, a JWS the jwt method's, and any
 * other token introspection's when accepted, else the first Bearer method's (which refuses it as invalid).
 */
export function bearerOwner(api: Pick<Api, 'auth'>): (token: string) => string {
  const methods = authMethodsOf(api).filter((m) => BEARER_METHODS.has(m));
  const only = methods[0];
  if (methods.length <= 1) return () => only ?? '';
  const key = methods.includes('key');
  const jwt = methods.includes('jwt');
  const fallback = methods.includes('introspection') ? 'introspection' : only!;
  return (token) => {
    if (key && KEY_SHAPE.test(token)) return 'key';
    if (jwt && JWS_SHAPE.test(token)) return 'jwt';
    return fallback;
  };
}

const REALM = 'Bearer realm="gateway"';

/**
 * The RFC 6750 challenge of a 401: bare when no credential came (§3.1: no error code then), `invalid_token`
 * with its description when one came and was refused.
 */
export function bearerChallenge(refused?: string): string {
  if (refused === undefined) return REALM;
  return `${REALM}, error="invalid_token", error_description="${refused.replaceAll('"', "'")}"`;
}

/** The 403 challenge when the token lacks a scope (RFC 6750 §3.1): every scope the call needs. */
export function scopeChallenge(needed: readonly string[]): string {
  return `${REALM}, error="insufficient_scope", scope="${needed.join(' ')}"`;
}
