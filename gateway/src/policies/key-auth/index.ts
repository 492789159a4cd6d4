// API-key authentication: `x-api-key` or `Authorization: Bearer`, checked against the snapshot's key hashes.

import type { Call, Step } from '../../data-plane/call.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { hashSecret, safeEqual, splitKey } from '../../security/secrets.js';

const MISSING = 'send the API key in x-api-key or Authorization: Bearer';
const INVALID = 'the API key is not valid';
const EXPIRED = 'the API key has expired';

/**
 * Which header carries the key: `x-api-key` when it has a value, else `Authorization: Bearer`. The forwarder
 * asks the same question (forward/headers.ts), so whatever authenticated the call is never passed on — an empty
 * `x-api-key` next to a Bearer key included.
 */
export function keyCarrier(headers: Call['req']['headers']): 'x-api-key' | 'authorization' | null {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header) return 'x-api-key';
  const auth = headers.authorization;
  if (auth && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') return 'authorization';
  return null;
}

export function presentedKey(headers: Call['req']['headers']): string | null {
  const carrier = keyCarrier(headers);
  if (carrier === 'x-api-key') return headers['x-api-key'] as string;
  if (carrier === 'authorization') return headers.authorization!.slice(7).trim();
  return null;
}

export function keyAuth(): Step {
  return function keyAuth(call: Call) {
    if (call.api!.auth === 'none') return;
    const presented = presentedKey(call.req.headers);
    if (!presented)
      throw new GatewayError('key_missing', MISSING, { headers: { 'www-authenticate': 'Bearer' } });
    const parts = splitKey(presented);
    const entry = parts && call.snapshot.keysByPrefix.get(parts.prefix);
    // Hash even when the prefix is unknown, so an unknown prefix costs the same as a wrong secret.
    const hash = hashSecret(parts?.secret ?? presented);
    if (!entry || !safeEqual(hash, entry.hash)) {
      throw new GatewayError('key_invalid', INVALID, {
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });
    }
    if (entry.expiresAt !== null && entry.expiresAt <= call.ts) {
      throw new GatewayError('key_expired', EXPIRED, {
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      });
    }
    call.keyId = entry.id;
    call.app = call.snapshot.apps.get(entry.appId) ?? null;
  };
}
