import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { createEchoServer } from './server.js';

// Alone in its file: it counts the process's active timers, which other tests' servers would disturb.
it('clears the delay timer when the client goes away', async () => {
  let arrive = () => {};
  const arrived = new Promise<void>((resolve) => {
    arrive = resolve;
  });
  const server = createEchoServer({ onRequest: () => arrive() });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // Counted between event-loop turns (setImmediate, not a timer) so the wait adds no timer of its own.
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  const until = async (check: () => boolean) => {
    for (let turn = 0; turn < 20_000 && !check(); turn++) await new Promise((r) => setImmediate(r));
    return check();
  };
  const before = timers();
  const req = http.request({ host: '127.0.0.1', port, path: '/delay/60000', agent: false });
  req.on('error', () => {});
  req.end();
  await arrived;
  expect(await until(() => timers() === before + 1)).toBe(true);
  req.destroy();
  expect(await until(() => timers() === before)).toBe(true);
  await new Promise((resolve) => server.close(resolve));
});
