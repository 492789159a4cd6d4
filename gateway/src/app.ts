// Assembles a gateway: store, snapshot, data-plane chain, admin API and server; returns a handle to stop it.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Counter, Histogram } from 'prom-client';
import { createAdminApp } from './admin/app.js';
import { aiGateway, errorShapeOf } from './ai/index.js';
import { type Env, envSchema } from './config/env.js';
import type { GatewayContext } from './context.js';
import { dataPlaneChain } from './data-plane/chain.js';
import { createDataPlane } from './data-plane/handler.js';
import { createUpgradeHandler } from './data-plane/websocket.js';
import { memoryLimiterStore, redisLimiterStore } from './limits/limiter-store.js';
import { Limits } from './limits/limits.js';
import { CallLogQueue, callLogWriter } from './observability/call-log-queue.js';
import type { CallRecorder } from './observability/call-record.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { scheduleRetention } from './observability/retention.js';
import { throttledWarn } from './observability/throttled-log.js';
import { opsRouter } from './ops.js';
import { Upstreams } from './policies/forward/upstreams.js';
import { OutboundGuard } from './security/outbound.js';
import { closeUpgrades, createGatewayServer } from './server.js';
import { SnapshotHolder } from './snapshot/holder.js';
import { openStore } from './store/db.js';
import { migrate } from './store/migrate.js';
import { consoleRouter } from './web-console/serve.js';

export interface StartOptions {
  logger?: Logger;
  /** Extra call recorders (tests use one to see records as they are made). */
  recorders?: CallRecorder[];
}

export interface RunningGateway {
  url: string;
  port: number;
  server: Server;
  ctx: GatewayContext;
  store: GatewayContext['store'];
  snapshot: SnapshotHolder;
  callLog: CallLogQueue;
  stop(): Promise<void>;
}

export async function startGateway(
  input: Partial<Env> & { ADMIN_TOKEN: string },
  options: StartOptions = {},
): Promise<RunningGateway> {
  const env: Env = Object.freeze(
    envSchema.parse({ HOST: '127.0.0.1', PORT: 0, LOG_LEVEL: 'silent', ...input }),
  );
  const logger = options.logger ?? createLogger(env.LOG_LEVEL);
  const store = openStore(env.DATABASE_URL);
  await migrate(store.db as never);

  const metrics = createMetrics();
  const circuitOpened = new Counter({
    name: 'gateway_circuit_opened_total',
    help: 'Times the circuit breaker of an upstream target opened.',
    labelNames: ['target'],
    registers: [metrics.registry],
  });
  // Tenants write upstream URLs and AI base URLs: every socket to them goes through one guard (metadata
  // addresses, the gateway itself), checked when written and again when the socket connects.
  const guard = new OutboundGuard({
    allow: env.UPSTREAM_ALLOW,
    host: env.HOST,
    secret: env.SECRET_KEY ?? env.ADMIN_TOKEN,
  });
  const connector = guard.connector(5000);
  const upstreams = new Upstreams({
    connector,
    connections: 256,
    connectTimeoutMs: 5000,
    keepAliveTimeoutMs: 30_000,
    breaker: {
      failures: env.BREAKER_FAILURES,
      cooldownMs: env.BREAKER_COOLDOWN_MS,
      onOpen: (origin) => {
        circuitOpened.inc({ target: origin });
        logger.warn({ target: origin, cooldownMs: env.BREAKER_COOLDOWN_MS }, 'upstream circuit opened');
      },
    },
  });
  const rebuilds = new Counter({
    name: 'gateway_snapshot_rebuilds_total',
    help: 'Snapshot rebuilds: full (every table read) or incremental (the entries a config version changed).',
    labelNames: ['mode'],
    registers: [metrics.registry],
  });
  const rebuildSeconds = new Histogram({
    name: 'gateway_snapshot_rebuild_seconds',
    help: 'Time from reading the config version to the new snapshot serving, by mode.',
    labelNames: ['mode'],
    buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10],
    registers: [metrics.registry],
  });
  let loggedPollError = false;
  const snapshot = new SnapshotHolder(store.db, {
    onReload: (s, mode, delta, seconds) => {
      if (delta) upstreams.update(delta);
      else upstreams.sync(s.apis.values());
      rebuilds.inc({ mode });
      rebuildSeconds.observe({ mode }, seconds);
      loggedPollError = false;
      logger.debug({ version: s.version, mode }, 'snapshot updated');
    },
    onPollError: (err) => {
      // Once per outage, not once per poll: the data plane keeps serving the last snapshot meanwhile.
      if (!loggedPollError)
        logger.warn({ err: (err as Error).message }, 'config poll failed; serving the last snapshot');
      loggedPollError = true;
    },
  });
  await snapshot.refresh(true);
  snapshot.startPolling(env.CONFIG_POLL_MS);

  const limits = new Limits(env.REDIS_URL ? redisLimiterStore(env.REDIS_URL) : memoryLimiterStore());
  const reportLimitsError = throttledWarn(logger, 'rate-limit store unavailable');
  const callLogStore = callLogWriter(store);
  const callLog = new CallLogQueue({
    write: callLogStore.write,
    maxSize: env.CALL_LOG_QUEUE_SIZE,
    batchSize: env.CALL_LOG_BATCH_SIZE,
    flushMs: env.CALL_LOG_FLUSH_MS,
    onDepth: (n) => metrics.queueDepth.set(n),
    onDrop: (n) => metrics.queueDropped.inc(n),
    onWriteError: (() => {
      const warn = throttledWarn(logger, 'call-log write failed; records stay queued');
      return (err: Error) => {
        metrics.storeErrors.inc({ op: 'call_log' });
        warn(err);
      };
    })(),
  });
  callLog.start();
  const stopRetention = scheduleRetention(
    store.db,
    env.LOG_RETENTION_DAYS,
    throttledWarn(logger, 'call-log purge failed'),
  );

  const ctx: GatewayContext = {
    env,
    store,
    snapshot,
    logger,
    metrics,
    limits,
    configChanged: () => snapshot.refresh(),
  };
  const rateLimit = {
    limits,
    onStoreError: env.LIMITS_ON_STORE_ERROR,
    reportStoreError: (err: Error) => {
      metrics.limitsStoreErrors.inc();
      reportLimitsError(err);
    },
  };
  // SECRET_KEY seals provider keys; without it ADMIN_TOKEN does (docs/ai.md explains the trade-off).
  const ai = aiGateway({
    ...rateLimit,
    secret: env.SECRET_KEY ?? env.ADMIN_TOKEN,
    logger,
    connector,
    via: guard.via,
    registry: metrics.registry,
  });
  const chain = dataPlaneChain({ upstreams, rateLimit, ai });
  const data = createDataPlane({
    snapshot,
    steps: chain.all,
    // One record per call feeds all three: metrics now, the call log (and so usage) in batches.
    recorders: [metrics.recordCall, callLog.push, ...(options.recorders ?? [])],
    trustProxyHops: env.TRUST_PROXY_HOPS,
    logger,
    errorShapeOf,
  });
  const upgrade = createUpgradeHandler({
    snapshot,
    steps: chain.access,
    upstreams,
    trustProxyHops: env.TRUST_PROXY_HOPS,
    logger,
    agent: guard.httpAgent({ keepAlive: false }),
  });

  const control = express();
  control.disable('x-powered-by');
  control.use(opsRouter(ctx));
  control.use(consoleRouter());
  control.use(createAdminApp(ctx));

  const server = createGatewayServer(
    {
      control,
      data,
      upgrade: (req, socket, head) => void upgrade(req, socket, head),
    },
    {
      headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
      maxHeaders: env.MAX_REQUEST_HEADERS,
      maxUpgrades: env.MAX_UPGRADES,
      maxUpgradesPerIp: env.MAX_UPGRADES_PER_IP,
      underscores: env.DROP_UNDERSCORE_HEADERS,
      trustProxyHops: env.TRUST_PROXY_HOPS,
      hop: guard,
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  guard.listening(port);
  ctx.upstreamGuard = (url) => guard.checkUrl(url);
  const host = env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST;

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      // Stop accepting, let in-flight calls finish within the grace period, then write every record left.
      snapshot.stop();
      stopRetention();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        const idle = setInterval(() => server.closeIdleConnections(), 100);
        // WebSocket tunnels are not HTTP connections to node: closeAllConnections leaves them open.
        const grace = setTimeout(() => {
          server.closeAllConnections();
          closeUpgrades(server);
        }, env.SHUTDOWN_GRACE_MS);
        grace.unref();
        server.once('close', () => {
          clearInterval(idle);
          clearTimeout(grace);
        });
      });
      callLog.stop();
      await callLog.drain(Math.max(env.SHUTDOWN_GRACE_MS, 5000));
      await callLogStore.close();
      await upstreams.close();
      await ai.close();
      await limits.close();
      await store.close();
    })();
    return stopping;
  };

  return { url: `http://${host}:${port}`, port, server, ctx, store, snapshot, callLog, stop };
}
