// Assembles a gateway: store, snapshot, policies, data plane, admin API and server; returns a handle to stop it.
// Each part is wired by one small function below; startGateway reads as the order they start in.
import type { lookup as dnsLookup } from 'node:dns';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import express from 'express';
import { AggregatorRegistry, Counter, Histogram } from 'prom-client';
import { createAdminApp } from './admin/app.js';
import type { WorkerLink } from './cluster/ipc.js';
import { type Env, envSchema } from './config/env.js';
import type { GatewayContext } from './context.js';
import { DataPlane } from './data-plane/handler.js';
import { Pipelines } from './data-plane/pipeline.js';
import { createUpgradeHandler } from './data-plane/websocket.js';
import { clusterLimiterStore } from './limits/cluster-store.js';
import { type LimiterStore, memoryLimiterStore, redisLimiterStore } from './limits/limiter-store.js';
import { Limits } from './limits/limits.js';
import { CallLogQueue, callLogWriter } from './observability/call-log-queue.js';
import type { CallRecorder } from './observability/call-record.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { scheduleRetention } from './observability/retention.js';
import { throttledWarn } from './observability/throttled-log.js';
import { opsRouter } from './ops.js';
import { warnUnknownSsoTenants } from './people/sso/clients.js';
import type { PolicyDefinition } from './policies/policy.js';
import { defaultPolicies, PolicyRegistry } from './policies/registry.js';
import { sealStoredSecrets } from './policies/sealed-settings.js';
import { OutboundGuard } from './security/outbound.js';
import { apiSettingsBox } from './security/secret-box.js';
import { loadTls, tlsFilesOf, watchTls } from './security/tls.js';
import { checkSniDir, sniCertificates } from './security/tls-sni.js';
import { closeUpgrades, createGatewayServer, type ServerParts } from './server.js';
import type { ApiDelta } from './snapshot/apply.js';
import { SnapshotHolder } from './snapshot/holder.js';
import type { Snapshot } from './snapshot/snapshot.js';
import { openStore, type Store } from './store/db.js';
import { migrate } from './store/migrate.js';
import { Upstreams } from './upstream/upstreams.js';
import { consoleRouter } from './web-console/serve.js';
import { startWebhookDispatcher } from './webhooks/dispatcher.js';
import { raiseQuotaEvents } from './webhooks/quota-events.js';

export interface StartOptions {
  logger?: Logger;
  /** Extra call recorders (tests use one to see records as they are made). */
  recorders?: CallRecorder[];
  /** DNS behind the SSRF guard's lookup for upstream sockets (tests give it a zone of their own). */
  resolve?: typeof dnsLookup;
  /** The data-plane policies (policies/registry.ts `defaultPolicies` when omitted). */
  policies?: readonly PolicyDefinition[];
  /** Set in a cluster worker (WORKERS > 1): counters, metrics and config writes go through the primary. */
  link?: WorkerLink;
}

export interface RunningGateway {
  url: string;
  port: number;
  /** Where the admin API, console and /metrics answer: `url` unless ADMIN_PORT gives them their own listener. */
  adminUrl: string;
  server: Server;
  ctx: GatewayContext;
  store: GatewayContext['store'];
  snapshot: SnapshotHolder;
  callLog: CallLogQueue;
  stop(): Promise<void>;
}

/** Pools per upstream origin with their breakers; every socket opens through the outbound guard. */
function wireUpstreams(env: Env, logger: Logger, metrics: Metrics, resolve?: typeof dnsLookup) {
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
    ...(resolve ? { resolve } : {}),
  });
  const connector = guard.connector(5000);
  const upstreams = new Upstreams({
    connector,
    // Tunnels open their own sockets (upstream/tunnel.ts): through the same guard.
    tunnelAgent: guard.httpAgent({ keepAlive: false }),
    lookup: guard.lookup,
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
  return { upstreams, guard, connector };
}

/** The in-memory snapshot, kept fresh by polling; `onReload` re-syncs what is compiled from it. */
async function wireSnapshot(
  env: Env,
  store: Store,
  logger: Logger,
  metrics: Metrics,
  onReload: (s: Snapshot, delta: ApiDelta | null) => void,
) {
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
      onReload(s, delta);
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
  return snapshot;
}

/** Call records leave the request path in batches (a worker thread for SQLite). */
function wireCallLog(env: Env, store: Store, logger: Logger, metrics: Metrics) {
  const writer = callLogWriter(store);
  const warn = throttledWarn(logger, 'call-log write failed; records stay queued');
  const callLog = new CallLogQueue({
    write: writer.write,
    maxSize: env.CALL_LOG_QUEUE_SIZE,
    batchSize: env.CALL_LOG_BATCH_SIZE,
    flushMs: env.CALL_LOG_FLUSH_MS,
    onDepth: (n) => metrics.queueDepth.set(n),
    onDrop: (n) => metrics.queueDropped.inc(n),
    onWriteError: (err: Error) => {
      metrics.storeErrors.inc({ op: 'call_log' });
      warn(err);
    },
  });
  callLog.start();
  const stopRetention = scheduleRetention(
    store.db,
    env.LOG_RETENTION_DAYS,
    throttledWarn(logger, 'call-log purge failed'),
  );
  return { callLog, writer, stopRetention };
}

/** Closes the listeners within the grace period, then everything behind them, once. */
function stopper(
  servers: Server[],
  env: Env,
  steps: { before: (() => void)[]; after: (() => unknown)[] },
): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  return () => {
    stopping ??= (async () => {
      for (const step of steps.before) step();
      // Stop accepting, let in-flight calls finish within the grace period, then the rest in order.
      await Promise.all(servers.map((server) => closeWithin(server, env.SHUTDOWN_GRACE_MS)));
      for (const step of steps.after) await step();
    })();
    return stopping;
  };
}

function closeWithin(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    // WebSocket tunnels are not HTTP connections to node: closeAllConnections leaves them open.
    const grace = setTimeout(() => {
      server.closeAllConnections();
      closeUpgrades(server);
    }, graceMs);
    grace.unref();
    server.once('close', () => {
      clearInterval(idle);
      clearTimeout(grace);
    });
  });
}

/** Redis when configured (replicas share it), else the cluster's primary when a worker, else this process. */
function limiterStore(env: Env, link: WorkerLink | undefined): LimiterStore {
  if (env.REDIS_URL) return redisLimiterStore(env.REDIS_URL);
  return link ? clusterLimiterStore(link) : memoryLimiterStore();
}

/**
 * A worker's config write answers once every worker serves it (the primary relays it), as a single process
 * does; /metrics shows every worker's series summed, and the primary's own (workers, restarts).
 */
function joinCluster(ctx: GatewayContext, link: WorkerLink) {
  const local = ctx.configChanged;
  ctx.configChanged = async () => {
    await local();
    await link.ask({ op: 'config' });
  };
  link.onRefresh(() => ctx.snapshot.refresh());
  AggregatorRegistry.setRegistries([ctx.metrics.registry]);
  // Constructing one makes prom-client answer the primary's metric requests in this worker.
  new AggregatorRegistry();
  ctx.metricsText = () => link.ask<string>({ op: 'metrics' });
}

export async function startGateway(
  input: Partial<Env> & { ADMIN_TOKEN: string },
  options: StartOptions = {},
): Promise<RunningGateway> {
  const env: Env = Object.freeze(
    envSchema.parse({ HOST: '127.0.0.1', PORT: 0, LOG_LEVEL: 'silent', ...input }),
  );
  const logger = options.logger ?? createLogger(env.LOG_LEVEL);
  const registry = new PolicyRegistry(options.policies ?? defaultPolicies);
  // Checked before anything opens: a bad certificate or key stops the start with one named line.
  const tlsFiles = tlsFilesOf(env);
  if (tlsFiles) loadTls(tlsFiles);
  if (tlsFiles && env.TLS_SNI_DIR) checkSniDir(env.TLS_SNI_DIR);
  const store = openStore(env.DATABASE_URL);
  await migrate(store.db as never);
  const sealed = await sealStoredSecrets(store.db, registry.secretFields, apiSettingsBox(env));
  if (sealed)
    logger.info({ apis: sealed }, 'sealed the plain secrets of API settings written before sealing');
  const metrics = createMetrics();
  const { upstreams, guard, connector } = wireUpstreams(env, logger, metrics, options.resolve);
  const limits = new Limits(limiterStore(env, options.link));
  const reportLimitsError = throttledWarn(logger, 'rate-limit store unavailable');
  const pipelines = new Pipelines(registry, {
    logger,
    upstreams,
    limits,
    onLimitsStoreError: env.LIMITS_ON_STORE_ERROR,
    reportLimitsStoreError: (err: Error) => {
      metrics.limitsStoreErrors.inc();
      reportLimitsError(err);
    },
    connector,
    via: guard.via,
    // SECRET_KEY seals provider keys; without it ADMIN_TOKEN does (docs/ai.md explains the trade-off).
    secret: env.SECRET_KEY ?? env.ADMIN_TOKEN,
    registry: metrics.registry,
    redisUrl: env.REDIS_URL,
    // Off the call's path: the event is written to the store after the call went on.
    onQuotaCrossed: (call, crossed) => {
      raiseQuotaEvents(store.db, call, crossed).catch((err) =>
        logger.warn({ err }, 'quota webhook event not recorded'),
      );
    },
  });
  const snapshot = await wireSnapshot(env, store, logger, metrics, (s, delta) => {
    if (delta) upstreams.update(delta);
    else upstreams.sync(s.apis.values());
    // Changed APIs are new objects: their pipelines compile now; removed ones fall out of the WeakMap.
    pipelines.sync(delta ? delta.changed : s.apis.values());
  });
  const { callLog, writer, stopRetention } = wireCallLog(env, store, logger, metrics);

  const ctx: GatewayContext = {
    env,
    store,
    snapshot,
    logger,
    metrics,
    limits,
    policies: registry,
    configChanged: () => snapshot.refresh(),
  };
  await warnUnknownSsoTenants(ctx);
  if (options.link) joinCluster(ctx, options.link);
  const data = new DataPlane({
    snapshot,
    pipelines,
    // One record per call feeds all three: metrics now, the call log (and so usage) in batches.
    recorders: [metrics.recordCall, callLog.push, ...(options.recorders ?? [])],
    trustProxyHops: env.TRUST_PROXY_HOPS,
    logger,
  });
  const upgrade = createUpgradeHandler({ dataPlane: data, upstreams });
  const control = express();
  control.disable('x-powered-by');
  control.use(opsRouter(ctx));
  control.use(consoleRouter(env, env.CONSOLE_DIR));
  control.use(createAdminApp(ctx));
  const parts: ServerParts = {
    control,
    data: data.handle,
    upgrade: (req, socket, head) => void upgrade(req, socket, head),
  };
  const listenerOptions = {
    headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    maxHeaders: env.MAX_REQUEST_HEADERS,
    maxUpgrades: env.MAX_UPGRADES,
    maxUpgradesPerIp: env.MAX_UPGRADES_PER_IP,
    underscores: env.DROP_UNDERSCORE_HEADERS,
    trustProxyHops: env.TRUST_PROXY_HOPS,
    hop: guard,
  } as const;
  const sni =
    tlsFiles && env.TLS_SNI_DIR ? sniCertificates(env.TLS_SNI_DIR, env.TLS_RELOAD_MS, logger) : null;
  const tls = tlsFiles && {
    ...loadTls(tlsFiles),
    hstsMaxAge: env.HSTS_MAX_AGE,
    ...(sni ? { sni: sni.callback } : {}),
  };
  const split = env.ADMIN_PORT !== undefined;
  const server = createGatewayServer(parts, {
    ...listenerOptions,
    serves: split ? 'data' : 'all',
    ...(tls ? { tls: { ...tls, requestCert: env.TLS_CLIENT_CERTS === 'request' } } : {}),
  });
  // ADMIN_PORT: the admin API, console, portal and /metrics on a listener of their own (same TLS, no client
  // certificates asked for: mTLS is a data-plane method).
  const adminServer = split
    ? createGatewayServer(parts, {
        ...listenerOptions,
        serves: 'control',
        ...(tls ? { tls: { ...tls, requestCert: false } } : {}),
      })
    : null;
  const listeners = adminServer ? [server, adminServer] : [server];
  const stopTlsWatch = tlsFiles
    ? (() => {
        const stops = listeners.map((l) =>
          watchTls(l as unknown as TlsServer, tlsFiles, env.TLS_RELOAD_MS, logger),
        );
        return () => {
          for (const stopWatch of stops) stopWatch();
        };
      })()
    : () => {};
  const listen = (l: Server, port: number, host: string) =>
    new Promise<number>((resolve, reject) => {
      l.once('error', reject);
      l.listen(port, host, () => resolve((l.address() as AddressInfo).port));
    });
  const port = await listen(server, env.PORT, env.HOST);
  const adminHost = env.ADMIN_HOST ?? env.HOST;
  const adminPort = adminServer ? await listen(adminServer, env.ADMIN_PORT!, adminHost) : port;
  guard.listening(port, ...(adminServer ? [adminPort] : []));
  ctx.upstreamGuard = (url) => guard.checkUrl(url);
  const host = env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST;
  // Webhook deliveries go out through the same guard, stricter still (webhooks/address-guard.ts).
  const webhooks = startWebhookDispatcher({ env, db: store.db, logger, guard });

  const stop = stopper(listeners, env, {
    before: [() => snapshot.stop(), stopRetention, stopTlsWatch, () => sni?.stop()],
    after: [
      () => webhooks.stop(),
      () => callLog.stop(),
      () => callLog.drain(Math.max(env.SHUTDOWN_GRACE_MS, 5000)),
      () => writer.close(),
      () => upstreams.close(),
      () => pipelines.close(),
      () => limits.close(),
      () => store.close(),
    ],
  });
  const scheme = tlsFiles ? 'https' : 'http';
  const url = `${scheme}://${host}:${port}`;
  const adminUrl = adminServer
    ? `${scheme}://${adminHost === '0.0.0.0' ? '127.0.0.1' : adminHost}:${adminPort}`
    : url;
  return { url, port, adminUrl, server, ctx, store, snapshot, callLog, stop };
}
