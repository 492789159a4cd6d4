// A provider's connection cap, shared fairly: at most `max` calls hold a connection; the others wait, and a
// freed slot goes to the consumer tenants in turn (round robin), so one tenant's burst or its long streams
// cannot keep another tenant waiting behind its whole queue. A wait ends at the caller's deadline.

/** Thrown by `acquire` when the deadline passes before a slot frees. */
export class GateTimeout extends Error {
  override name = 'GateTimeout';
}

interface Waiter {
  grant(release: () => void): void;
}

export class FairGate {
  #active = 0;
  // Consumer → its waiters in arrival order. A Map keeps insertion order: the consumer served is moved to
  // the back, which makes the turns.
  readonly #queues = new Map<string, Waiter[]>();

  constructor(readonly max: number) {}

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    let n = 0;
    for (const q of this.#queues.values()) n += q.length;
    return n;
  }

  /** Resolves with the slot's release once one is free; rejects on `timeoutMs` (GateTimeout) or on abort. */
  acquire(consumer: string, timeoutMs: number, signal: AbortSignal): Promise<() => void> {
    if (this.#active < this.max && this.#queues.size === 0) return Promise.resolve(this.#take());
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', aborted);
        const queue = this.#queues.get(consumer);
        const at = queue?.indexOf(waiter) ?? -1;
        if (queue && at !== -1) queue.splice(at, 1);
        if (queue?.length === 0) this.#queues.delete(consumer);
      };
      const waiter: Waiter = {
        grant: (release) => {
          leave();
          resolve(release);
        },
      };
      const aborted = () => {
        leave();
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        leave();
        reject(new GateTimeout(`no connection to the provider was free within ${timeoutMs} ms`));
      }, timeoutMs);
      signal.addEventListener('abort', aborted, { once: true });
      const queue = this.#queues.get(consumer);
      if (queue) queue.push(waiter);
      else this.#queues.set(consumer, [waiter]);
    });
  }

  #take(): () => void {
    this.#active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#next();
    };
  }

  #next(): void {
    while (this.#active < this.max) {
      const first = this.#queues.entries().next();
      if (first.done) return;
      const [consumer, queue] = first.value;
      const waiter = queue[0]!;
      // To the back of the turns: the next free slot goes to another consumer if one waits.
      this.#queues.delete(consumer);
      if (queue.length > 1) this.#queues.set(consumer, queue);
      waiter.grant(this.#take());
    }
  }
}
