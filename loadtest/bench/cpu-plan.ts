// Decides which CPUs the load generator and the servers under test run on, so they never share a core.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface CpuPlan {
  /** Command prefix for the load generator (empty when not pinned). */
  readonly generator: readonly string[];
  /** Command prefix for backends, proxies and the gateway. */
  readonly servers: readonly string[];
  /** CPU list of the servers (for docker --cpuset-cpus), or null when not pinned. */
  readonly serverCpus: string | null;
  /** Human-readable summary for the report. */
  readonly description: string;
}

/**
 * With two or more CPUs and taskset available, the generator gets the last CPU and the servers the
 * rest: on a 2-core box wrk would otherwise steal cycles from the single-threaded gateway and flatter
 * nginx (whose worker is C) less than node, skewing the ratio the target is about.
 */
export function planCpus(cpus: number, hasTaskset: boolean, pin: boolean): CpuPlan {
  if (!pin || !hasTaskset || cpus < 2) {
    const why = !pin ? 'disabled (--no-pin)' : !hasTaskset ? 'taskset not found' : 'only one CPU';
    return { generator: [], servers: [], serverCpus: null, description: `not pinned: ${why}` };
  }
  const last = cpus - 1;
  const servers = last === 1 ? '0' : `0-${last - 1}`;
  return {
    generator: ['taskset', '-c', String(last)],
    servers: ['taskset', '-c', servers],
    serverCpus: servers,
    description: `load generator on CPU ${last}, servers on CPU ${servers}`,
  };
}

export function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function detectCpuPlan(pin: boolean): CpuPlan {
  return planCpus(availableParallelism(), hasCommand('taskset'), pin);
}

/**
 * The every-core comparison runs N server workers: they need N CPUs of their own. With N + 1 CPUs or more, wrk
 * gets the last one and the servers the N before it; with fewer (a 2-core box) nothing is pinned and wrk, one
 * thread, shares the N CPUs with the servers — it takes the same share from nginx and the gateway, so their
 * ratio stays comparable, but both figures are below what N free cores give.
 */
export function planWorkersCpus(cpus: number, hasTaskset: boolean, pin: boolean, workers: number): CpuPlan {
  if (!pin || !hasTaskset || cpus < workers + 1) {
    const why = !pin
      ? 'disabled (--no-pin)'
      : !hasTaskset
        ? 'taskset not found'
        : `${cpus} CPUs: wrk (1 thread) shares them with the servers`;
    return { generator: [], servers: [], serverCpus: null, description: `not pinned: ${why}` };
  }
  const last = cpus - 1;
  const servers = `${last - workers}-${last - 1}`;
  return {
    generator: ['taskset', '-c', String(last)],
    servers: ['taskset', '-c', servers],
    serverCpus: servers,
    description: `load generator on CPU ${last}, servers on CPUs ${servers}`,
  };
}

export function detectWorkersCpuPlan(pin: boolean, workers: number): CpuPlan {
  return planWorkersCpus(availableParallelism(), hasCommand('taskset'), pin, workers);
}
