// Starts the echo backend from the environment and stops it on SIGTERM/SIGINT.
import type { AddressInfo } from 'node:net';
import { type EchoConfig, loadConfig } from './config.js';
import { createEchoServer } from './server.js';

// A test backend has nothing long to drain: in-flight streams are cut after this grace.
const SHUTDOWN_GRACE_MS = 2000;

let config: EchoConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  console.error(`echo: ${(error as Error).message}`);
  process.exit(1);
}

const server = createEchoServer();
server.on('error', (error) => {
  console.error(`echo: cannot listen on ${config.host}:${config.port}: ${error.message}`);
  process.exit(1);
});
server.listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo;
  console.log(`echo: listening on http://${config.host}:${port}`);
});

function shutdown(signal: NodeJS.Signals): void {
  console.log(`echo: ${signal} received, closing`);
  server.close(() => process.exit(0));
  setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
