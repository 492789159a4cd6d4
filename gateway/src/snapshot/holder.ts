// Holds the current snapshot and keeps it fresh: rebuilt after local writes, and on a version change seen by polling.
import type { Kysely } from 'kysely';
import { readConfigVersion } from '../store/config-version.js';
import type { Database } from '../store/schema.js';
import { loadSnapshot, type Snapshot } from './snapshot.js';

export interface SnapshotEvents {
  onReload?(snapshot: Snapshot): void;
  onPollError?(err: unknown): void;
}

export class SnapshotHolder {
  #current: Snapshot | null = null;
  #timer: NodeJS.Timeout | null = null;
  #inflight: Promise<void> | null = null;
  /** False while the last poll failed: /readyz reports it, the data plane keeps serving the last snapshot. */
  storeReachable = true;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly events: SnapshotEvents = {},
  ) {}

  get current(): Snapshot {
    if (!this.#current) throw new Error('snapshot not loaded');
    return this.#current;
  }

  get loaded(): boolean {
    return this.#current !== null;
  }

  /** Reloads if the stored version moved (or always, when forced). Concurrent calls share one load. */
  refresh(force = false): Promise<void> {
    if (this.#inflight) return force ? this.#inflight.then(() => this.refresh(true)) : this.#inflight;
    this.#inflight = (async () => {
      try {
        const version = await readConfigVersion(this.db);
        this.storeReachable = true;
        if (!force && this.#current && this.#current.version === version) return;
        this.#current = await loadSnapshot(this.db, version);
        this.events.onReload?.(this.#current);
      } catch (err) {
        this.storeReachable = false;
        throw err;
      } finally {
        this.#inflight = null;
      }
    })();
    return this.#inflight;
  }

  startPolling(intervalMs: number): void {
    this.#timer = setInterval(() => {
      this.refresh().catch((err) => this.events.onPollError?.(err));
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
