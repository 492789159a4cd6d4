// Starts the llm-mock from the environment and stops it on SIGTERM/SIGINT.
import type { AddressInfo } from 'node:net';
import { type LlmMockConfig, loadConfig } from './config.js';
import { createLlmMockServer } from './server.js';

// A mock has nothing long to drain: in-flight streams are cut after this grace.
const SHUTDOWN_GRACE_MS = 2000;

let config: LlmMockConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  console.error(`llm-mock: ${(error as Error).message}`);
  process.exit(1);
}

const server = createLlmMockServer({ apiKeys: config.apiKeys, defaults: config.defaults });
server.on('error', (error) => {
  console.error(`llm-mock: cannot listen on ${config.host}:${config.port}: ${error.message}`);
  process.exit(1);
});
server.listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo;
  const auth =
    config.apiKeys.length > 0 ? `${config.apiKeys.length} API key(s) required` : 'no API key required';
  console.log(`llm-mock: listening on http://${config.host}:${port} (${auth})`);
});

function shutdown(signal: NodeJS.Signals): void {
  console.log(`llm-mock: ${signal} received, closing`);
  server.close(() => process.exit(0));
  setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
