// Holds the current snapshot and keeps it fresh: after local writes, and on a version change seen by polling.
// A moved version is applied incrementally from the change log; a full rebuild (paged, yielding) is the
// fallback. Refreshes are coalesced: while one runs, every caller shares the single one that follows it.
import type { Kysely } from 'kysely';
import { pruneConfigChanges, readConfigChanges, readConfigVersion } from '../store/config-version.js';
import type { Database } from '../store/schema.js';
import { type ApiDelta, applyChanges } from './apply.js';
import { loadSnapshot, type Snapshot } from './snapshot.js';

export type RebuildMode = 'full' | 'incremental';

export interface SnapshotEvents {
  /** After every rebuild; `delta` is null after a full one (every API may have changed). */
  onReload?(snapshot: Snapshot, mode: RebuildMode, delta: ApiDelta | null, seconds: number): void;
  onPollError?(err: unknown): void;
}

/** Versions of change log kept; a replica further behind than this rebuilds in full. */
export const KEEP_VERSIONS = 10_000;
/** Beyond this many logged changes at once, reading every table whole is cheaper than entry by entry. */
const MAX_INCREMENTAL_CHANGES = 20_000;
const PRUNE_EVERY_MS = 60_000;

export class SnapshotHolder {
  #current: Snapshot | null = null;
  #timer: NodeJS.Timeout | null = null;
  #pruneTimer: NodeJS.Timeout | null = null;
  #inflight: Promise<void> | null = null;
  #next: Promise<void> | null = null;
  #forceNext = false;
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

  /**
   * Brings the snapshot to the stored version (a full rebuild when forced). Resolves once a refresh that started
   * after this call has finished, so a write committed before it is seen; concurrent callers share that refresh.
   */
  refresh(force = false): Promise<void> {
    if (force) this.#forceNext = true;
    if (!this.#inflight) return this.#start();
    this.#next ??= this.#inflight
      .catch(() => {})
      .then(() => {
        this.#next = null;
        return this.#inflight ?? this.#start();
      });
    return this.#next;
  }

  #start(): Promise<void> {
    const force = this.#forceNext;
    this.#forceNext = false;
    this.#inflight = this.#update(force).finally(() => {
      this.#inflight = null;
    });
    return this.#inflight;
  }

  async #update(force: boolean): Promise<void> {
    const started = performance.now();
    try {
      const version = await readConfigVersion(this.db);
      this.storeReachable = true;
      const current = this.#current;
      if (!force && current && current.version === version) return;
      let changes = null;
      if (!force && current && version > current.version && version - current.version <= KEEP_VERSIONS) {
        changes = await readConfigChanges(this.db, current.version, version, MAX_INCREMENTAL_CHANGES + 1);
        if (changes.length > MAX_INCREMENTAL_CHANGES || !coversEvery(changes, current.version, version))
          changes = null;
      }
      if (current && changes) {
        const delta = await applyChanges(this.db, current, version, changes);
        this.events.onReload?.(current, 'incremental', delta, (performance.now() - started) / 1000);
      } else {
        this.#current = await loadSnapshot(this.db, version);
        this.events.onReload?.(this.#current, 'full', null, (performance.now() - started) / 1000);
      }
    } catch (err) {
      this.storeReachable = false;
      throw err;
    }
  }

  startPolling(intervalMs: number): void {
    this.#timer = setInterval(() => {
      this.refresh().catch((err) => this.events.onPollError?.(err));
    }, intervalMs);
    this.#timer.unref();
    this.#pruneTimer = setInterval(() => void this.prune().catch(() => {}), PRUNE_EVERY_MS);
    this.#pruneTimer.unref();
  }

  /** Drops the change log older than KEEP_VERSIONS, in batches; any replica may do it. Returns rows deleted. */
  async prune(): Promise<number> {
    if (!this.#current) return 0;
    const through = this.#current.version - KEEP_VERSIONS;
    let total = 0;
    for (;;) {
      const n = await pruneConfigChanges(this.db, through);
      total += n;
      if (n === 0) return total;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#pruneTimer) clearInterval(this.#pruneTimer);
    this.#timer = null;
    this.#pruneTimer = null;
  }
}

/**
 * Whether every version in (from, to] logged a change. A version with none wrote tables the log does not
 * track (or wrote without the triggers), so only a full rebuild is sure to see it.
 */
function coversEvery(changes: { version: number }[], from: number, to: number): boolean {
  const seen = new Set(changes.map((c) => c.version));
  for (let v = from + 1; v <= to; v++) if (!seen.has(v)) return false;
  return true;
}
