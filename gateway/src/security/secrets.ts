// Secrets the gateway issues (API keys, tenant tokens): generated here, stored only as SHA-256 hashes,
// compared in constant time. The secrets are 160 random bits, so a fast hash is enough; no KDF needed.
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** One-shot hashing: a third of createHash().update().digest()'s CPU, and it runs on every keyed call. */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

/** Constant-time equality of two hex digests (or any two strings) — length leaks, content does not. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export interface IssuedKey {
  /** Public lookup part, stored in clear. */
  prefix: string;
  /** What the client sends: `<prefix>.<secret>`; shown once. */
  key: string;
  /** SHA-256 of the secret part; the only thing stored. */
  hash: string;
}

export function issueKey(kind: 'gk' | 'gkt' | 'gkp'): IssuedKey {
  const prefix = `${kind}_${randomBytes(6).toString('hex')}`;
  const secret = randomBytes(20).toString('base64url');
  return { prefix, key: `${prefix}.${secret}`, hash: hashSecret(secret) };
}

/** Splits `<prefix>.<secret>`; null when the shape is wrong (so callers answer 401 without a lookup). */
export function splitKey(presented: string): { prefix: string; secret: string } | null {
  const dot = presented.indexOf('.');
  if (dot <= 0 || dot === presented.length - 1 || presented.length > 200) return null;
  return { prefix: presented.slice(0, dot), secret: presented.slice(dot + 1) };
}
