// Password login throttling. Per account and IP pair (a guesser at one account from one place), per IP (one
// place trying many accounts) and per account (many places at one account). Every block ends when its window
// does, so a correct password is at worst delayed, never locked out for good; a success clears the pair.
// The counters live in the limits' counter store: with WORKERS > 1 the primary owns them, with REDIS_URL Redis
// does, so a guesser gets the same number of tries whichever worker or replica takes each attempt.
import { GatewayError } from '../errors/gateway-error.js';
import type { LimiterStore } from '../limits/limiter-store.js';

const limits = {
  pair: { points: 10, durationSec: 15 * 60 },
  ip: { points: 100, durationSec: 15 * 60 },
  account: { points: 50, durationSec: 60 * 60 },
} as const;
type Scope = keyof typeof limits;
const SCOPES = Object.keys(limits) as Scope[];

const keysOf = (email: string, ip: string): Record<Scope, string> => ({
  pair: `signin:pair:${email} ${ip}`,
  ip: `signin:ip:${ip}`,
  account: `signin:account:${email}`,
});

export class LoginThrottle {
  constructor(private readonly store: LimiterStore) {}

  /** Throws 429 while any of the three is used up; checked before the password is (so guessing stops). */
  async check(email: string, ip: string): Promise<void> {
    const keys = keysOf(email, ip);
    const seen = await Promise.all(SCOPES.map((scope) => this.store.get(keys[scope])));
    const blocked = seen
      .map((s, i) => (s && s.count >= limits[SCOPES[i]!].points ? s.msLeft : 0))
      .reduce((a, b) => Math.max(a, b), 0);
    if (blocked > 0) throw tooMany('too many failed sign-ins', blocked);
  }

  async failed(email: string, ip: string): Promise<void> {
    const keys = keysOf(email, ip);
    await Promise.all(SCOPES.map((scope) => this.store.add(keys[scope], 1, limits[scope].durationSec)));
  }

  async succeeded(email: string, ip: string): Promise<void> {
    // The store has no delete (limits never need one): giving the points back clears the pair just the same.
    const key = keysOf(email, ip).pair;
    const seen = await this.store.get(key);
    if (seen && seen.count > 0) await this.store.add(key, -seen.count, limits.pair.durationSec);
  }
}

/** One take of `limit` per `durationSec` for `key` in the shared store; 429 with Retry-After past it. */
export async function takeOrRefuse(
  store: LimiterStore,
  key: string,
  limit: number,
  durationSec: number,
  message: string,
): Promise<void> {
  const res = await store.take(key, 1, limit, durationSec);
  if (!res.taken) throw tooMany(message, res.msLeft);
}

function tooMany(message: string, msBeforeNext: number): GatewayError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new GatewayError('too_many_attempts', `${message}; retry in ${seconds}s`, {
    headers: { 'retry-after': String(seconds) },
  });
}
