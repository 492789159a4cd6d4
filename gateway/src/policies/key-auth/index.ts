// API-key authentication (`auth: key`): `x-api-key` or `Authorization: Bearer`, checked against the snapshot's
// key hashes.
import type { AuthResult, RoutedCall } from '../../data-plane/call.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { hashSecret, safeEqual, splitKey } from '../../security/secrets.js';
import { bearerChallenge, bearerOwner } from '../bearer.js';
import { accepts, definePolicy, type Hooks } from '../policy.js';

const MISSING = 'send the API key in x-api-key or Authorization: Bearer';
const INVALID = 'the API key is not valid';
const EXPIRED = 'the API key has expired';
export const KEY_AUTH = 'key';

/**
 * Which header carries the key: `x-api-key` when it has a value, else `Authorization: Bearer`. The auth slot's
 * credentialHeaders name it, so whatever authenticated the call is never passed on (upstream/headers.ts) — an
 * empty `x-api-key` next to a Bearer key included.
 */
export function keyCarrier(headers: RoutedCall['req']['headers']): 'x-api-key' | 'authorization' | null {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header) return 'x-api-key';
  const auth = headers.authorization;
  if (auth && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') return 'authorization';
  return null;
}

export function presentedKey(headers: RoutedCall['req']['headers']): string | null {
  const carrier = keyCarrier(headers);
  if (carrier === 'x-api-key') return headers['x-api-key'] as string;
  if (carrier === 'authorization') return headers.authorization!.slice(7).trim();
  return null;
}

const invalid = (detail: string) =>
  new GatewayError(detail === EXPIRED ? 'key_expired' : 'key_invalid', detail, {
    headers: { 'www-authenticate': bearerChallenge(detail) },
  });

function check(call: RoutedCall, presented: string): AuthResult {
  const parts = splitKey(presented);
  const entry = parts && call.snapshot.keysByPrefix.get(parts.prefix);
  // Hash even when the prefix is unknown, so an unknown prefix costs the same as a wrong secret.
  const hash = hashSecret(parts?.secret ?? presented);
  if (!entry || !safeEqual(hash, entry.hash)) throw invalid(INVALID);
  if (entry.expiresAt !== null && entry.expiresAt <= call.ts) throw invalid(EXPIRED);
  const app = call.snapshot.apps.get(entry.appId);
  if (!app) throw invalid(INVALID);
  return {
    method: KEY_AUTH,
    app,
    credentialId: entry.id,
    // The header the key came in (an empty x-api-key next to a Bearer key: Authorization) is not passed on.
    credentialHeaders: [keyCarrier(call.req.headers)!],
  };
}

const missing = () =>
  new GatewayError('key_missing', MISSING, { headers: { 'www-authenticate': bearerChallenge() } });

/** The only method of its API: every Bearer value is judged as a key. */
const alone: Hooks = {
  authenticate(call) {
    const presented = presentedKey(call.req.headers);
    return presented ? check(call, presented) : null;
  },
  missing,
};

/** Among other Bearer methods (policies/bearer.ts): a Bearer value is a key only when shaped like one. */
function shared(owner: (token: string) => string): Hooks {
  return {
    authenticate(call) {
      const presented = presentedKey(call.req.headers);
      if (!presented) return null;
      if (keyCarrier(call.req.headers) === 'authorization' && owner(presented) !== KEY_AUTH) return null;
      return check(call, presented);
    },
    missing,
  };
}

export const keyAuth = definePolicy({
  name: 'key-auth',
  phase: 'auth',
  authMethod: KEY_AUTH,
  create: () => ({
    bind(api) {
      if (!accepts(api, KEY_AUTH)) return null;
      return api.auth === KEY_AUTH ? alone : shared(bearerOwner(api));
    },
  }),
});
