import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { waitUnlessClosed } from './faults.js';

// A client leaving must end the wait at once: if the timer were left running, `waited` would only settle
// after 60 s and the test would time out.
it('ends the delay when the client goes away', async () => {
  let settle: (v: boolean) => void = () => {};
  const waited = new Promise<boolean>((resolve) => {
    settle = resolve;
  });
  let arrive = () => {};
  const arrived = new Promise<void>((resolve) => {
    arrive = resolve;
  });
  const server = http.createServer((_req, res) => {
    arrive();
    void waitUnlessClosed(res, 60_000).then(settle);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const req = http.request({ host: '127.0.0.1', port, path: '/', agent: false });
  req.on('error', () => {});
  req.end();
  await arrived;
  req.destroy();
  expect(await waited).toBe(false);
  await new Promise((resolve) => server.close(resolve));
}, 10_000);
