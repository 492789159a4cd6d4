// Process entry: validate the environment, start, and stop cleanly on SIGTERM/SIGINT.
import { startGateway } from './app.js';
import { ConfigError, loadEnv } from './config/env.js';
import { createLogger } from './observability/logger.js';

async function main(): Promise<void> {
  let env: ReturnType<typeof loadEnv>;
  try {
    env = loadEnv();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(env.LOG_LEVEL);
  const gateway = await startGateway(env, { logger });
  logger.info({ url: gateway.url, store: gateway.store.dialect }, 'gateway listening');

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
