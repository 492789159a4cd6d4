// A JWKS URL's keys, kept for every API that names it: fetched on first use, refreshed in the background once
// `refreshMs` old, fetched again on an unknown `kid` (at most once per `cooldownMs`), and served stale while the
// URL is down for at most `maxStaleMs` after the last good fetch — then the API answers 503 until it is back.
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { GatewayError } from '../../errors/gateway-error.js';

const UNAVAILABLE = 'the signing keys of this API could not be fetched; retry later';

export interface JwksTimings {
  refreshMs: number;
  cooldownMs: number;
  maxStaleMs: number;
}

export interface JwksSource {
  fetch(url: string): Promise<unknown>;
  onError(url: string, err: Error): void;
}

export class RemoteKeySet {
  #keys: JWTVerifyGetKey | null = null;
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #attemptedAt = Number.NEGATIVE_INFINITY;
  #inflight: Promise<void> | null = null;
  /** Fetches made, for tests and the log. */
  fetches = 0;

  constructor(
    readonly url: string,
    readonly timings: JwksTimings,
    readonly source: JwksSource,
  ) {}

  /** jose's key getter: the key for a token's header, refreshing as above. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const now = Date.now();
    if (now - this.#fetchedAt > this.timings.maxStaleMs) await this.#refresh(now);
    else if (now - this.#fetchedAt > this.timings.refreshMs) void this.#refresh(now);
    const keys = this.#usable();
    try {
      return await keys(header, token);
    } catch (err) {
      // A key rotated in at the issuer: one fetch (coalesced, rate-limited) and one more look.
      if ((err as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw err;
      if (!(await this.#refresh(Date.now()))) throw err;
      return this.#usable()(header, token);
    }
  };

  #usable(): JWTVerifyGetKey {
    if (!this.#keys || Date.now() - this.#fetchedAt > this.timings.maxStaleMs)
      throw new GatewayError('jwks_unavailable', UNAVAILABLE, { headers: { 'retry-after': '5' } });
    return this.#keys;
  }

  /** Fetches unless one is under way (joins it) or one started within the cool-down; true if it fetched. */
  async #refresh(now: number): Promise<boolean> {
    if (this.#inflight) {
      await this.#inflight;
      return true;
    }
    if (now - this.#attemptedAt < this.timings.cooldownMs) return false;
    this.#attemptedAt = now;
    this.fetches++;
    this.#inflight = this.source
      .fetch(this.url)
      .then((body) => {
        this.#keys = createLocalJWKSet(body as JSONWebKeySet);
        this.#fetchedAt = Date.now();
      })
      .catch((err: Error) => this.source.onError(this.url, err))
      .finally(() => {
        this.#inflight = null;
      });
    await this.#inflight;
    return true;
  }
}
