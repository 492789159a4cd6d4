// The primary process of WORKERS > 1: it serves no call itself. It migrates the store once, forks the workers
// (node:cluster, one shared port), replaces a worker that dies, owns the limit counters when there is no Redis,
// aggregates /metrics, relays config writes, and on SIGTERM lets every worker drain before it exits.
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, Counter, Gauge, Registry } from 'prom-client';
import type { Env } from '../config/env.js';
import { clusterLimiterOwner } from '../limits/cluster-store.js';
import type { Logger } from '../observability/logger.js';
import { openStore } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { type Ask, isOurs, type ToPrimary, type ToWorker } from './ipc.js';

/** A config write waits this long for the other workers to serve it; past it, their poll catches up. */
const REFRESH_WAIT_MS = 2000;
/** A worker dying again within this of its start is restarted after RESTART_BACKOFF_MS, not at once. */
const FLAPPING_MS = 5000;
const RESTART_BACKOFF_MS = 1000;

export async function runPrimary(env: Env, logger: Logger): Promise<void> {
  // Once, before any worker opens the store: N workers migrating one database at once would race.
  const store = openStore(env.DATABASE_URL);
  await migrate(store.db as never);
  await store.close();

  const registry = new Registry();
  const restarts = new Counter({
    name: 'gateway_worker_restarts_total',
    help: 'Workers that died while serving and were replaced by a new one.',
    registers: [registry],
  });
  const alive = new Gauge({
    name: 'gateway_workers',
    help: 'Worker processes running.',
    registers: [registry],
  });
  const aggregator = new AggregatorRegistry();
  // Without Redis the counters live here, so every worker counts against the same numbers.
  const counters = env.REDIS_URL ? null : clusterLimiterOwner();

  const started = new Map<Worker, number>();
  const listening = new Set<Worker>();
  let announced = false;
  let stopping = false;
  const refreshes = new Map<number, () => void>();
  let nextRefresh = 0;

  const send = (w: Worker, m: ToWorker) => {
    if (w.isConnected()) w.send(m);
  };
  const refreshOthers = (from: Worker) =>
    Promise.all(
      [...listening]
        .filter((w) => w !== from && w.isConnected())
        .map(
          (w) =>
            new Promise<void>((resolve) => {
              const id = nextRefresh++;
              const timer = setTimeout(done, REFRESH_WAIT_MS);
              function done() {
                clearTimeout(timer);
                refreshes.delete(id);
                resolve();
              }
              refreshes.set(id, done);
              send(w, { gk: 'refresh', id });
            }),
        ),
    );
  const metricsText = async () => {
    const workers = await aggregator.clusterMetrics();
    return `${workers}\n${await registry.metrics()}`;
  };
  const answer = async (w: Worker, id: number, ask: Ask) => {
    try {
      let value: unknown;
      if (ask.op === 'limits') {
        if (!counters) throw new Error('limits are in Redis (REDIS_URL), not in the primary');
        value = await counters.serve(ask.method, ask.args);
      } else if (ask.op === 'metrics') value = await metricsText();
      else if (ask.op === 'config') value = await refreshOthers(w).then(() => null);
      send(w, { gk: 'answer', id, ok: true, value });
    } catch (err) {
      send(w, { gk: 'answer', id, ok: false, message: (err as Error).message });
    }
  };

  const fork = () => {
    const w = cluster.fork();
    started.set(w, Date.now());
    alive.set(Object.keys(cluster.workers ?? {}).length);
    w.on('message', (m: unknown) => {
      if (!isOurs(m)) return;
      const msg = m as ToPrimary;
      if (msg.gk === 'ask') void answer(w, msg.id, msg.ask);
      else if (msg.gk === 'refreshed') refreshes.get(msg.id)?.();
      else if (msg.gk === 'listening') {
        listening.add(w);
        if (!announced && listening.size === env.WORKERS) {
          announced = true;
          logger.info({ url: msg.url, workers: env.WORKERS, pid: process.pid }, 'gateway listening');
        }
      }
    });
  };

  const exits: Promise<number>[] = [];
  cluster.on('exit', (w, code, signal) => {
    const since = started.get(w) ?? 0;
    const served = listening.delete(w);
    started.delete(w);
    alive.set(Object.keys(cluster.workers ?? {}).length);
    if (stopping) return;
    if (!served && !announced) {
      // Start-up failed (the worker said why on stderr): retrying would fail the same way.
      logger.error({ pid: w.process.pid, code, signal }, 'a worker failed to start; stopping');
      void stop('worker start-up failure', 1);
      return;
    }
    restarts.inc();
    logger.warn({ pid: w.process.pid, code, signal }, 'worker died; starting a new one');
    setTimeout(fork, Date.now() - since < FLAPPING_MS ? RESTART_BACKOFF_MS : 0);
  });

  const stop = async (reason: string, failed = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal: reason }, 'shutting down');
    // Each worker drains its calls and flushes its call log on SIGTERM; the counters stay here until they all have.
    for (const w of Object.values(cluster.workers ?? {})) {
      if (!w) continue;
      exits.push(
        new Promise<number>((resolve) => {
          if (w.process.exitCode !== null) return resolve(w.process.exitCode);
          w.process.once('exit', (code) => resolve(code ?? 1));
          w.process.kill('SIGTERM');
        }),
      );
    }
    const codes = await Promise.all(exits);
    await counters?.close();
    process.exit(failed || (codes.every((c) => c === 0) ? 0 : 1));
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  for (let i = 0; i < env.WORKERS; i++) fork();
}
