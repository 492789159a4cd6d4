// Tokens already verified, so a client repeating its token pays a hash and a map lookup instead of a signature
// check: keyed by the token's SHA-256 (the cache never holds a usable token), each entry kept until the token's
// exp or the TTL, whichever is sooner, least recently used first out when full.
import { hash } from 'node:crypto';

type Entry = { payload: Record<string, unknown>; until: number };

export class VerifiedTokens {
  readonly #entries = new Map<string, Entry>();

  constructor(
    readonly ttlMs: number,
    readonly maxEntries: number,
  ) {}

  static keyOf(token: string): string {
    return hash('sha256', token, 'base64url');
  }

  /** The verified claims of the token with this key, if kept and not past their time. */
  get(key: string, now: number): Record<string, unknown> | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.until <= now) return undefined;
    this.#entries.set(key, entry); // most recently used last
    return entry.payload;
  }

  set(key: string, payload: Record<string, unknown>, now: number): void {
    if (this.ttlMs === 0) return;
    const exp = typeof payload.exp === 'number' ? payload.exp * 1000 : now;
    const until = Math.min(now + this.ttlMs, exp);
    if (until <= now) return;
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { payload, until });
  }

  get size(): number {
    return this.#entries.size;
  }
}
