// Process entry: validate the environment, start, and stop cleanly on SIGTERM/SIGINT. With WORKERS > 1 this
// process becomes the primary (cluster/primary.ts) and each worker it forks runs this file again as a gateway.
import cluster from 'node:cluster';
import { startGateway } from './app.js';
import { workerLink } from './cluster/ipc.js';
import { runPrimary } from './cluster/primary.js';
import { ConfigError, loadEnv } from './config/env.js';
import { tuneHeapGrowth } from './heap-sizing.js';
import { createLogger } from './observability/logger.js';
import { loadTls, tlsFilesOf } from './security/tls.js';
import { checkSniDir } from './security/tls-sni.js';

async function main(): Promise<void> {
  let env: ReturnType<typeof loadEnv>;
  try {
    env = loadEnv();
    tuneHeapGrowth(env.HEAP_GROWING_PERCENT);
    const tls = tlsFilesOf(env);
    if (tls) loadTls(tls);
    if (tls && env.TLS_SNI_DIR) checkSniDir(env.TLS_SNI_DIR);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(env.LOG_LEVEL);
  if (env.WORKERS > 1 && cluster.isPrimary) return runPrimary(env, logger);
  const link = workerLink();
  const gateway = await startGateway(env, { logger, ...(link ? { link } : {}) });
  if (link) {
    // The primary announces the gateway once every worker serves.
    logger.info({ url: gateway.url, pid: process.pid }, 'worker listening');
    link.listening(gateway.url);
  } else logger.info({ url: gateway.url, store: gateway.store.dialect }, 'gateway listening');

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    gateway.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`gateway failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
