// The counter store of a cluster worker without Redis (WORKERS > 1): every counter lives in the primary process,
// which runs the memory store and answers each take over IPC. One process owns each counter and applies takes one
// at a time, so N workers admit exactly the limit, as one process does (docs/performance.md).
import type { WorkerLink } from '../cluster/ipc.js';
import { type LimiterStore, memoryLimiterStore } from './limiter-store.js';

type Method = 'take' | 'add' | 'get';
const METHODS: readonly Method[] = ['take', 'add', 'get'];

export function clusterLimiterStore(link: WorkerLink): LimiterStore {
  const call = (method: Method, args: unknown[]) => link.ask<never>({ op: 'limits', method, args });
  return {
    kind: 'cluster',
    take: (...args) => call('take', args),
    add: (...args) => call('add', args),
    get: (...args) => call('get', args),
    // The counters belong to the primary: a worker that stops leaves them to the others.
    close: async () => {},
  };
}

/** The primary's side: one memory store for every worker; `serve` runs one asked method on it. */
export function clusterLimiterOwner() {
  const store = memoryLimiterStore();
  return {
    serve(method: string, args: unknown[]): Promise<unknown> {
      if (!METHODS.includes(method as Method)) return Promise.reject(new Error(`unknown method ${method}`));
      return (store[method as Method] as (...a: unknown[]) => Promise<unknown>)(...args);
    },
    close: () => store.close(),
  };
}
