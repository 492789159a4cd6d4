// Password login throttling. Per account and IP pair (a guesser at one account from one place), per IP (one
// place trying many accounts) and per account (many places at one account). Every block ends when its window
// does, so a correct password is at worst delayed, never locked out for good; a success clears the pair.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { GatewayError } from '../errors/gateway-error.js';

const limits = {
  pair: { points: 10, duration: 15 * 60 },
  ip: { points: 100, duration: 15 * 60 },
  account: { points: 50, duration: 60 * 60 },
};

export class LoginThrottle {
  readonly #pair = new RateLimiterMemory(limits.pair);
  readonly #ip = new RateLimiterMemory(limits.ip);
  readonly #account = new RateLimiterMemory(limits.account);

  /** Throws 429 while any of the three is used up; checked before the password is (so guessing stops). */
  async check(email: string, ip: string): Promise<void> {
    const seen = await Promise.all([
      this.#pair.get(`${email} ${ip}`),
      this.#ip.get(ip),
      this.#account.get(email),
    ]);
    const caps = [limits.pair.points, limits.ip.points, limits.account.points];
    const blocked = seen
      .map((s, i) => (s && s.consumedPoints >= caps[i]! ? s.msBeforeNext : 0))
      .reduce((a, b) => Math.max(a, b), 0);
    if (blocked > 0) throw tooMany(blocked);
  }

  async failed(email: string, ip: string): Promise<void> {
    await Promise.all([
      this.#pair.penalty(`${email} ${ip}`, 1),
      this.#ip.penalty(ip, 1),
      this.#account.penalty(email, 1),
    ]);
  }

  async succeeded(email: string, ip: string): Promise<void> {
    await this.#pair.delete(`${email} ${ip}`);
  }
}

function tooMany(msBeforeNext: number): GatewayError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new GatewayError('too_many_attempts', `too many failed sign-ins; retry in ${seconds}s`, {
    headers: { 'retry-after': String(seconds) },
  });
}
