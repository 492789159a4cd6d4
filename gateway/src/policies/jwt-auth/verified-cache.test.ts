// The verified-token cache on its own, with the clock given: an entry lives until the token's exp or the TTL,
// whichever is sooner; the least recently used goes first when full; TTL 0 keeps nothing.
import { describe, expect, it } from 'vitest';
import { VerifiedTokens } from './verified-cache.js';

const T0 = 1_700_000_000_000;
const claims = (expSeconds: number) => ({ sub: 'x', exp: expSeconds });

describe('verified tokens', () => {
  it('keeps an entry until the TTL when the token lives longer', () => {
    const cache = new VerifiedTokens(1000, 10);
    const payload = claims(T0 / 1000 + 3600);
    cache.set('a', payload, T0);
    expect(cache.get('a', T0 + 999)).toBe(payload);
    expect(cache.get('a', T0 + 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps an entry only until the token expires when that is sooner', () => {
    const cache = new VerifiedTokens(60_000, 10);
    cache.set('a', claims(T0 / 1000 + 5), T0);
    expect(cache.get('a', T0 + 4999)).toEqual(claims(T0 / 1000 + 5));
    expect(cache.get('a', T0 + 5000)).toBeUndefined();
    // Already expired (accepted within the clock skew): not kept at all.
    cache.set('b', claims(T0 / 1000 - 1), T0);
    expect(cache.size).toBe(0);
  });

  it('drops the least recently used entry when full', () => {
    const cache = new VerifiedTokens(60_000, 2);
    const exp = T0 / 1000 + 3600;
    cache.set('a', claims(exp), T0);
    cache.set('b', claims(exp), T0);
    expect(cache.get('a', T0)).toBeDefined(); // a is now the most recent
    cache.set('c', claims(exp), T0);
    expect([cache.get('a', T0) !== undefined, cache.get('b', T0), cache.get('c', T0) !== undefined]).toEqual([
      true,
      undefined,
      true,
    ]);
    expect(cache.size).toBe(2);
  });

  it('keeps nothing with a TTL of 0, and keys tokens by their SHA-256', () => {
    const cache = new VerifiedTokens(0, 10);
    cache.set('a', claims(T0 / 1000 + 3600), T0);
    expect(cache.size).toBe(0);
    expect(VerifiedTokens.keyOf('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
});
