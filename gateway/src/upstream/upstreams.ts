// Connection pools per upstream origin (undici, keep-alive), smooth weighted round-robin over an API's targets,
// and a circuit breaker per origin that takes a failing target out of the rotation for a while.
import type { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';
import { type buildConnector, Pool } from 'undici';
import type { Api, Target } from '../domain/types.js';
import { type Breaker, type BreakerOptions, Breakers } from './breaker.js';

export interface ResolvedTarget {
  pool: Pool;
  origin: string;
  /** Path prefix of the target URL, '' when the target is an origin. */
  basePath: string;
  breaker: Breaker;
}

interface Rotation {
  targets: ResolvedTarget[];
  weights: number[];
  current: number[];
  total: number;
}

export interface UpstreamOptions {
  connections: number;
  connectTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Circuit breakers; off when omitted. */
  breaker?: BreakerOptions;
  /** Opens upstream sockets: the outbound guard's (security/outbound.ts), checking each address at connect time. */
  connector?: buildConnector.connector;
  /** The same guard for the sockets tunnels open themselves (upstream/tunnel.ts): an http agent, a lookup. */
  tunnelAgent?: Agent;
  lookup?: LookupFunction;
}

export class Upstreams {
  readonly #pools = new Map<string, Pool>();
  #rotations = new Map<string, Rotation>();
  /** origin → how many APIs' rotations use it; a pool is closed when none does. */
  readonly #users = new Map<string, number>();
  readonly breakers: Breakers;

  constructor(private readonly options: UpstreamOptions) {
    this.breakers = new Breakers(options.breaker ?? { failures: 0, cooldownMs: 1 });
  }

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: this.options.connections,
        connect: this.options.connector ?? { timeout: this.options.connectTimeoutMs },
        keepAliveTimeout: this.options.keepAliveTimeoutMs,
        pipelining: 1,
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  #resolve(target: Target): ResolvedTarget {
    const url = new URL(target.url);
    const basePath = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
    return {
      pool: this.#pool(url.origin),
      origin: url.origin,
      basePath,
      breaker: this.breakers.for(url.origin),
    };
  }

  /** Called after a full snapshot rebuild: rotations are rebuilt, pools of origins no longer used are closed. */
  sync(apis: Iterable<Api>): void {
    this.#rotations = new Map();
    this.#users.clear();
    for (const api of apis) this.#add(api);
    for (const origin of this.#pools.keys()) if (!this.#users.has(origin)) this.#close(origin);
  }

  /** Called after an incremental change: only the APIs named are touched, so the cost follows the change. */
  update(delta: { changed: Iterable<Api>; removed: Iterable<Api> }): void {
    const released = new Set<string>();
    for (const api of delta.removed) {
      const rotation = this.#rotations.get(api.id);
      if (!rotation) continue;
      this.#rotations.delete(api.id);
      for (const origin of new Set(rotation.targets.map((t) => t.origin))) {
        const n = this.#users.get(origin)! - 1;
        if (n > 0) this.#users.set(origin, n);
        else {
          this.#users.delete(origin);
          released.add(origin);
        }
      }
    }
    for (const api of delta.changed) this.#add(api);
    for (const origin of released) if (!this.#users.has(origin)) this.#close(origin);
  }

  #add(api: Api): void {
    if (api.targets.length === 0) return;
    const targets = api.targets.map((t) => this.#resolve(t));
    for (const origin of new Set(targets.map((t) => t.origin)))
      this.#users.set(origin, (this.#users.get(origin) ?? 0) + 1);
    const weights = api.targets.map((t) => t.weight);
    this.#rotations.set(api.id, {
      targets,
      weights,
      current: weights.map(() => 0),
      total: weights.reduce((a, b) => a + b, 0),
    });
  }

  #close(origin: string): void {
    const pool = this.#pools.get(origin);
    this.#pools.delete(origin);
    this.breakers.forget(origin);
    void pool?.close().catch(() => {});
  }

  /**
   * Next target by smooth weighted round-robin (nginx's algorithm: even spread, exact ratios).
   * `skip` excludes targets already tried for this call, unless nothing else is left. Targets whose breaker
   * is open are passed over; null when there is no target, or every one is open.
   */
  pick(api: Api, skip?: ReadonlySet<ResolvedTarget>): ResolvedTarget | null {
    const r = this.#rotations.get(api.id);
    if (!r) return null;
    let best = -1;
    for (let i = 0; i < r.targets.length; i++) {
      r.current[i]! += r.weights[i]!;
      if (skip?.has(r.targets[i]!) && skip.size < r.targets.length) continue;
      if (best === -1 || r.current[i]! > r.current[best]!) best = i;
    }
    if (best === -1) return null;
    const chosen = r.targets[best]!;
    if (chosen.breaker.openUntil === 0 || this.breakers.admits(chosen.breaker)) {
      r.current[best]! -= r.total;
      return chosen;
    }
    return this.#nextAdmitted(r, best, skip);
  }

  /** The slow path, only while a breaker is open: the heaviest other target that may take a call. */
  #nextAdmitted(r: Rotation, excluded: number, skip?: ReadonlySet<ResolvedTarget>): ResolvedTarget | null {
    let best = -1;
    for (let i = 0; i < r.targets.length; i++) {
      if (i === excluded || (skip?.has(r.targets[i]!) && skip.size < r.targets.length)) continue;
      if (this.breakers.blocked(r.targets[i]!.breaker)) continue;
      if (best === -1 || r.current[i]! > r.current[best]!) best = i;
    }
    if (best === -1 || !this.breakers.admits(r.targets[best]!.breaker)) return null;
    r.current[best]! -= r.total;
    return r.targets[best]!;
  }

  /** How a socket of this gateway connects upstream: for tunnels, which open their own (upstream/tunnel.ts). */
  get connect(): { agent?: Agent; lookup?: LookupFunction; timeoutMs: number } {
    const { tunnelAgent, lookup, connectTimeoutMs } = this.options;
    return { agent: tunnelAgent, lookup, timeoutMs: connectTimeoutMs };
  }

  /** Whether the API has targets at all (to tell "none configured" from "all failing"). */
  has(api: Api): boolean {
    return this.#rotations.has(api.id);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((p) => p.close().catch(() => {})));
    this.#pools.clear();
  }
}
