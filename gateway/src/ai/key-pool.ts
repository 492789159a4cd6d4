// Which upstream key to try next: by priority, taking turns within a priority, skipping keys that failed
// recently (cool-down). State is per process: each replica learns a key's trouble on its own.

import type { SecretBox } from '../security/secret-box.js';
import type { ProviderEntry, ProviderKeyEntry } from './ai-config.js';

/** Why a key failed, as far as choosing the next one is concerned. */
export const keyFailures = {
  /** 429: the key's own rate limit; the provider may say for how long. */
  rateLimited: 'rate_limited',
  /** 401/403: the key is wrong or revoked; it will not heal soon. */
  rejected: 'rejected',
  /** 5xx, timeout, refused or reset connection. */
  unavailable: 'unavailable',
} as const;
export type KeyFailure = (typeof keyFailures)[keyof typeof keyFailures];

export interface KeyPoolOptions {
  box: SecretBox;
  /** Cool-down after a 5xx or a network fault, and after a 429 without Retry-After. */
  cooldownMs: number;
  /** Cool-down after a 401 or 403. */
  rejectedCooldownMs: number;
  /** Upper bound on a provider's Retry-After, so one answer cannot park a key for hours. */
  maxRetryAfterMs: number;
  now?: () => number;
  onUnreadable?(keyId: string, err: Error): void;
}

export class KeyPool {
  readonly #coolUntil = new Map<string, number>();
  readonly #turns = new Map<string, number>();
  // Opened once per snapshot: entries are new objects after each reload, so a changed key is re-read.
  readonly #opened = new WeakMap<ProviderKeyEntry, string | null>();
  readonly #now: () => number;

  constructor(private readonly o: KeyPoolOptions) {
    this.#now = o.now ?? Date.now;
  }

  /** Keys to try, in order; cooling keys are left out. */
  candidates(provider: ProviderEntry): ProviderKeyEntry[] {
    const now = this.#now();
    const out: ProviderKeyEntry[] = [];
    const keys = provider.keys;
    for (let start = 0; start < keys.length; ) {
      let end = start;
      while (end < keys.length && keys[end]!.priority === keys[start]!.priority) end++;
      const group = keys.slice(start, end).filter((k) => (this.#coolUntil.get(k.id) ?? 0) <= now);
      if (group.length > 1) {
        // Equal priorities take turns being first, so their rate limits add up.
        const turnKey = `${provider.id}:${keys[start]!.priority}`;
        const turn = this.#turns.get(turnKey) ?? 0;
        this.#turns.set(turnKey, turn + 1);
        const shift = turn % group.length;
        out.push(...group.slice(shift), ...group.slice(0, shift));
      } else out.push(...group);
      start = end;
    }
    return out;
  }

  /** Seconds until the first cooling key of the provider is usable again (for Retry-After), at least 1. */
  secondsUntilUsable(provider: ProviderEntry): number {
    const now = this.#now();
    let soonest = Number.POSITIVE_INFINITY;
    for (const k of provider.keys) soonest = Math.min(soonest, (this.#coolUntil.get(k.id) ?? now) - now);
    return Number.isFinite(soonest) ? Math.max(1, Math.ceil(soonest / 1000)) : 1;
  }

  /** The clear key, or null when it cannot be opened (sealed under another SECRET_KEY). */
  secretOf(entry: ProviderKeyEntry): string | null {
    let value = this.#opened.get(entry);
    if (value === undefined) {
      try {
        value = this.o.box.open(entry.sealed, entry.id);
      } catch (err) {
        value = null;
        this.o.onUnreadable?.(entry.id, err as Error);
      }
      this.#opened.set(entry, value);
    }
    return value;
  }

  failed(keyId: string, failure: KeyFailure, retryAfterMs?: number | null): void {
    const ms =
      failure === keyFailures.rejected
        ? this.o.rejectedCooldownMs
        : failure === keyFailures.rateLimited && retryAfterMs != null
          ? Math.min(Math.max(retryAfterMs, 1000), this.o.maxRetryAfterMs)
          : this.o.cooldownMs;
    this.#coolUntil.set(keyId, this.#now() + ms);
  }

  coolingUntil(keyId: string): number | null {
    const until = this.#coolUntil.get(keyId);
    return until !== undefined && until > this.#now() ? until : null;
  }
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3), in ms; null when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
