// Streams held mid-way (the `pauseAfterTokens` knob) until a test releases them: lets a test hold many
// streams open at a known point and act while they are open, instead of guessing with timers.

export class Pauses {
  readonly #waiting = new Set<() => void>();

  /** Streams waiting right now. */
  get count(): number {
    return this.#waiting.size;
  }

  /** Resolves true on release, false when the client left first. */
  hold(signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (released: boolean) => {
        this.#waiting.delete(release);
        signal.removeEventListener('abort', left);
        resolve(released);
      };
      const release = () => done(true);
      const left = () => done(false);
      if (signal.aborted) return resolve(false);
      this.#waiting.add(release);
      signal.addEventListener('abort', left, { once: true });
    });
  }

  /** Lets every held stream go on; returns how many there were. */
  releaseAll(): number {
    const all = [...this.#waiting];
    for (const release of all) release();
    return all.length;
  }
}
