// Orders the deployments of a model for one call: the first is where the call goes, the rest are its
// fallbacks in the order the strategy prefers them. State (turns, calls in flight, latencies) is per gateway
// process, as the key pool's cool-downs are: each replica balances its own share of the traffic.
import type { Deployment, ModelEntry } from '../ai-config.js';

/** Weight of the newest latency sample in the moving average: recent enough to follow a provider's mood. */
const EWMA_ALPHA = 0.3;

export interface BalancerOptions {
  /** True when at least one of the deployment's provider keys is not cooling down. */
  usable(deployment: Deployment): boolean;
}

/** What the attempt loop reports back about one call to one deployment. */
export interface InFlight {
  /** The provider answered 2xx after `ms` (a stream: its headers; a whole answer: all of it). */
  answered(ms: number): void;
  /** The exchange is over (body read, cut or failed): the call no longer counts as in flight. */
  done(): void;
}

export class Balancer {
  /** Smooth weighted round robin's current weights, by model id then deployment key. */
  readonly #current = new Map<string, Map<string, number>>();
  readonly #inFlight = new Map<string, number>();
  /** By model id, deployment key and whether the call streams (a stream's first bytes come far sooner). */
  readonly #latency = new Map<string, number>();

  constructor(private readonly o: BalancerOptions) {}

  /** The model as served by each of its deployments, in the order to try them. */
  order(model: ModelEntry, stream: boolean): ModelEntry[] {
    const all = model.deployments;
    if (all.length <= 1) return all.map((d) => d.model);
    // Deployments whose keys are all cooling down go last: they are skipped unless one heals meanwhile.
    const usable = all.filter((d) => this.o.usable(d));
    const cooling = all.filter((d) => !usable.includes(d));
    const ranked = this.#rank(model, usable.length > 0 ? usable : all, stream);
    return [...ranked, ...(usable.length > 0 ? cooling : [])].map((d) => d.model);
  }

  /** Calls to a deployment in flight right now, in this process. */
  inFlight(model: ModelEntry, d: Deployment): number {
    return this.#inFlight.get(`${model.id} ${d.key}`) ?? 0;
  }

  /** The moving average of a deployment's latency (ms), or null before its first answer. */
  latency(model: ModelEntry, d: Deployment, stream: boolean): number | null {
    return this.#latency.get(`${model.id} ${d.key} ${stream}`) ?? null;
  }

  /** Counts a call to a deployment (`served` is the deployment's entry) as in flight until `done`. */
  begin(served: ModelEntry, stream: boolean): InFlight {
    const d = served.deployments.find((x) => x.model === served) ?? served.deployments[0];
    if (!d) return { answered: () => {}, done: () => {} };
    const key = `${served.id} ${d.key}`;
    this.#inFlight.set(key, (this.#inFlight.get(key) ?? 0) + 1);
    let over = false;
    return {
      answered: (ms) => {
        const at = `${key} ${stream}`;
        const before = this.#latency.get(at);
        this.#latency.set(at, before === undefined ? ms : before + EWMA_ALPHA * (ms - before));
      },
      done: () => {
        if (over) return;
        over = true;
        const left = (this.#inFlight.get(key) ?? 1) - 1;
        if (left > 0) this.#inFlight.set(key, left);
        else this.#inFlight.delete(key);
      },
    };
  }

  #rank(model: ModelEntry, list: Deployment[], stream: boolean): Deployment[] {
    // Every strategy starts from the weighted turn, so equals (idle deployments, equal latencies) share the load.
    const turn = this.#weightedTurn(model, list);
    if (model.routing === 'least-busy') return stableSort(turn, (d) => this.inFlight(model, d) / d.weight);
    if (model.routing === 'latency')
      // A deployment not yet measured goes first, so each one gets measured.
      return stableSort(turn, (d) => this.latency(model, d, stream) ?? -1);
    return turn;
  }

  /**
   * Smooth weighted round robin (nginx's): each pick adds every weight to its deployment's current value,
   * takes the highest and subtracts the total from it, so 3:1 goes a a b a, exactly, in every run of four.
   * The rest follow by weight, heaviest first.
   */
  #weightedTurn(model: ModelEntry, list: Deployment[]): Deployment[] {
    const current = this.#current.get(model.id) ?? new Map<string, number>();
    this.#current.set(model.id, current);
    let total = 0;
    let best: Deployment | null = null;
    for (const d of list) {
      const value = (current.get(d.key) ?? 0) + d.weight;
      current.set(d.key, value);
      total += d.weight;
      if (best === null || value > current.get(best.key)!) best = d;
    }
    current.set(best!.key, current.get(best!.key)! - total);
    return [best!, ...stableSort(list, (d) => -d.weight).filter((d) => d !== best)];
  }
}

function stableSort<T>(list: T[], by: (x: T) => number): T[] {
  return list
    .map((x, i) => ({ x, i, v: by(x) }))
    .sort((a, b) => a.v - b.v || a.i - b.i)
    .map((e) => e.x);
}
