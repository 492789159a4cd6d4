// The messages between the primary and its workers (WORKERS > 1), over node:cluster's IPC channel.
// A worker asks (`ask`), the primary answers (`answer`); the primary also tells workers to reload their snapshot
// (`refresh`), and they confirm (`refreshed`). prom-client's own metrics messages travel on the same channel.
import cluster from 'node:cluster';

/** What a worker may ask the primary for. */
export type Ask =
  /** A method of the shared counter store (limits/cluster-store.ts): take, add, get. */
  | { op: 'limits'; method: string; args: unknown[] }
  /** The aggregated /metrics text of every worker and the primary. */
  | { op: 'metrics' }
  /** A config write committed here: make every other worker serve it before the write answers. */
  | { op: 'config' };

export type ToPrimary =
  | { gk: 'ask'; id: number; ask: Ask }
  | { gk: 'refreshed'; id: number }
  | { gk: 'listening'; url: string };

export type ToWorker =
  | { gk: 'answer'; id: number; ok: true; value: unknown }
  | { gk: 'answer'; id: number; ok: false; message: string }
  | { gk: 'refresh'; id: number };

export function isOurs(m: unknown): m is { gk: string } {
  return typeof m === 'object' && m !== null && typeof (m as { gk?: unknown }).gk === 'string';
}

/** This process's side of the channel when it is a cluster worker. */
export interface WorkerLink {
  ask<T>(ask: Ask): Promise<T>;
  /** Runs `reload` whenever the primary relays another worker's config write. */
  onRefresh(reload: () => Promise<void>): void;
  /** Tells the primary this worker serves (it then announces the gateway once every worker does). */
  listening(url: string): void;
}

export class WorkerLinkError extends Error {
  override name = 'WorkerLinkError';
}

/** The link to the primary, or null when this process is not a cluster worker. */
export function workerLink(): WorkerLink | null {
  if (!cluster.isWorker) return null;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 0;
  let reload: (() => Promise<void>) | null = null;
  const send = (m: ToPrimary) => {
    if (process.connected) process.send!(m);
  };
  process.on('message', (m: unknown) => {
    if (!isOurs(m)) return;
    const msg = m as ToWorker;
    if (msg.gk === 'answer') {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.ok) p?.resolve(msg.value);
      else p?.reject(new WorkerLinkError(msg.message));
    } else if (msg.gk === 'refresh') {
      // A failed reload is the poll's to retry; the primary only waits for the answer.
      void (reload?.() ?? Promise.resolve())
        .catch(() => {})
        .finally(() => send({ gk: 'refreshed', id: msg.id }));
    }
  });
  // The primary gone means no counters and no aggregation: whatever waits fails at once.
  process.on('disconnect', () => {
    for (const p of pending.values()) p.reject(new WorkerLinkError('the primary process is gone'));
    pending.clear();
  });
  return {
    ask<T>(ask: Ask): Promise<T> {
      if (!process.connected) return Promise.reject(new WorkerLinkError('the primary process is gone'));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        process.send!({ gk: 'ask', id, ask } satisfies ToPrimary);
      });
    },
    onRefresh(fn) {
      reload = fn;
    },
    listening(url) {
      send({ gk: 'listening', url });
    },
  };
}
