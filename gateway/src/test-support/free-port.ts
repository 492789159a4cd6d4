// A loopback port free right now (bind to 0, read the number, close): for servers a test starts and stops
// itself, and for "nothing listens here" targets.
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}
