// A circuit breaker per upstream origin: after `failures` consecutive faults (refused, reset, timed out) the
// origin is skipped for `cooldownMs`; then one call is let through as a probe, and its outcome closes the
// breaker or opens it for another cool-down. State lives across snapshot rebuilds, keyed by origin.

export interface BreakerOptions {
  /** Consecutive failures that open the breaker; 0 turns breakers off. */
  failures: number;
  cooldownMs: number;
  /** Called each time a breaker opens (a metric counts them). */
  onOpen?: (origin: string) => void;
  now?: () => number;
}

export class Breaker {
  failures = 0;
  /** 0 while closed; otherwise the time from which one probe may pass. */
  openUntil = 0;
  constructor(readonly origin: string) {}
}

export class Breakers {
  readonly #byOrigin = new Map<string, Breaker>();
  readonly #now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.#now = options.now ?? Date.now;
  }

  for(origin: string): Breaker {
    let b = this.#byOrigin.get(origin);
    if (!b) {
      b = new Breaker(origin);
      this.#byOrigin.set(origin, b);
    }
    return b;
  }

  /** Origins no longer configured lose their state with their pools. */
  forget(origin: string): void {
    this.#byOrigin.delete(origin);
  }

  /**
   * May a call go to this origin now? Closed: yes. Open: no, until the cool-down ends; then this call is the
   * probe, and the next one waits another cool-down unless the probe succeeds first.
   */
  admits(b: Breaker): boolean {
    if (b.openUntil === 0) return true;
    const now = this.#now();
    if (now < b.openUntil) return false;
    b.openUntil = now + this.options.cooldownMs;
    return true;
  }

  /** Open and still cooling down (no probe due yet). */
  blocked(b: Breaker): boolean {
    return b.openUntil !== 0 && this.#now() < b.openUntil;
  }

  succeeded(b: Breaker): void {
    if (b.failures !== 0 || b.openUntil !== 0) {
      b.failures = 0;
      b.openUntil = 0;
    }
  }

  failed(b: Breaker): void {
    if (this.options.failures === 0) return;
    b.failures++;
    // A failed probe re-opens at once; a closed breaker opens at the threshold.
    if (b.openUntil !== 0 || b.failures >= this.options.failures) {
      if (b.openUntil === 0) this.options.onOpen?.(b.origin);
      b.openUntil = this.#now() + this.options.cooldownMs;
    }
  }
}
