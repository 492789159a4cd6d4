// Stripe-style signatures: `Gateway-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The
// timestamp is signed with the body, so a receiver that refuses old timestamps also refuses replays.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'gateway-signature';

/** A new signing secret: `whsec_` and 32 random bytes, shown once at creation. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function signature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** One `v1=` per secret: during a rotation's grace period both the new and the previous secret sign. */
export function signatureHeader(secrets: string | readonly string[], body: string, now = Date.now()): string {
  const t = Math.floor(now / 1000);
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  return [`t=${t}`, ...list.map((s) => `v1=${signature(s, t, body)}`)].join(',');
}

/**
 * What a receiver does (docs/webhooks.md shows the same in a few lines): true when one `v1` of the header is the
 * HMAC of this body at its timestamp, and the timestamp is within `toleranceSec` of now.
 */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  toleranceSec = 300,
  now = Date.now(),
): boolean {
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > toleranceSec) return false;
  const expected = Buffer.from(signature(secret, t, body), 'hex');
  return parts.some(([k, v]) => {
    if (k !== 'v1' || !v || !/^[0-9a-f]{64}$/.test(v)) return false;
    return timingSafeEqual(Buffer.from(v, 'hex'), expected);
  });
}
