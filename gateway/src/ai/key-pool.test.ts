import { describe, expect, it } from 'vitest';
import { SecretBox } from '../security/secret-box.js';
import type { ProviderEntry } from './ai-config.js';
import { KeyPool, keyFailures, retryAfterMs } from './key-pool.js';

const box = new SecretBox('pool-test-secret-0123');
const key = (id: string, priority: number, plain = `sk-${id}`) => ({
  id,
  priority,
  sealed: box.seal(plain, id),
});
const provider = (keys: ProviderEntry['keys']): ProviderEntry => ({
  id: 'prv_1',
  tenantId: 'ten_1',
  maxConnections: 128,
  name: 'p',
  type: 'openai',
  baseUrl: 'http://127.0.0.1:1',
  keys,
});

function pool(clock: { now: number }, onUnreadable?: (id: string) => void) {
  return new KeyPool({
    box,
    cooldownMs: 30_000,
    rejectedCooldownMs: 300_000,
    maxRetryAfterMs: 120_000,
    now: () => clock.now,
    onUnreadable,
  });
}

const ids = (keys: { id: string }[]) => keys.map((k) => k.id);

describe('KeyPool', () => {
  it('orders by priority and takes turns within a priority', () => {
    const p = pool({ now: 0 });
    const prv = provider([key('a', 1), key('b', 2), key('c', 2), key('d', 3)]);
    expect(ids(p.candidates(prv))).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(p.candidates(prv))).toEqual(['a', 'c', 'b', 'd']);
    expect(ids(p.candidates(prv))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('leaves a failed key out until its cool-down ends', () => {
    const clock = { now: 1_000_000 };
    const p = pool(clock);
    const prv = provider([key('a', 1), key('b', 2)]);
    p.failed('a', keyFailures.unavailable);
    expect(ids(p.candidates(prv))).toEqual(['b']);
    expect(p.coolingUntil('a')).toBe(1_030_000);
    clock.now += 29_999;
    expect(ids(p.candidates(prv))).toEqual(['b']);
    clock.now += 1;
    expect(ids(p.candidates(prv))).toEqual(['a', 'b']);
    expect(p.coolingUntil('a')).toBeNull();
  });

  it('cools a rejected key longer, and a rate-limited one for the Retry-After, within bounds', () => {
    const clock = { now: 0 };
    const p = pool(clock);
    p.failed('rejected', keyFailures.rejected);
    p.failed('limited', keyFailures.rateLimited, 5000);
    p.failed('limited-long', keyFailures.rateLimited, 3_600_000);
    p.failed('limited-short', keyFailures.rateLimited, 0);
    p.failed('limited-unknown', keyFailures.rateLimited, null);
    expect(p.coolingUntil('rejected')).toBe(300_000);
    expect(p.coolingUntil('limited')).toBe(5000);
    expect(p.coolingUntil('limited-long')).toBe(120_000);
    expect(p.coolingUntil('limited-short')).toBe(1000);
    expect(p.coolingUntil('limited-unknown')).toBe(30_000);
  });

  it('says when the first cooling key comes back', () => {
    const clock = { now: 0 };
    const p = pool(clock);
    const prv = provider([key('a', 1), key('b', 1)]);
    p.failed('a', keyFailures.unavailable);
    p.failed('b', keyFailures.rateLimited, 4500);
    expect(p.candidates(prv)).toEqual([]);
    expect(p.secondsUntilUsable(prv)).toBe(5);
  });

  it('opens keys once per entry and reports one it cannot open', () => {
    const unreadable: string[] = [];
    const p = pool({ now: 0 }, (id) => unreadable.push(id));
    const good = key('a', 1, 'sk-good');
    const foreign = { id: 'b', priority: 1, sealed: new SecretBox('some-other-secret-xx').seal('sk-x', 'b') };
    expect(p.secretOf(good)).toBe('sk-good');
    expect(p.secretOf(foreign)).toBeNull();
    expect(p.secretOf(foreign)).toBeNull();
    expect(unreadable).toEqual(['b']);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(retryAfterMs(undefined)).toBeNull();
    expect(retryAfterMs('soon')).toBeNull();
  });
});
