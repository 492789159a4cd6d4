// What every hostile-input case must leave behind: the gateway still serves a clean call on a new connection, and
// its open descriptors are back near their baseline (generous bounds: pools and keep-alive sockets come and go).
import { readdirSync } from 'node:fs';
import { expect } from 'vitest';

/** Open descriptors of the gateway process (the tests run the gateway in their own process). */
export const openFds = (pid = process.pid) => readdirSync(`/proc/${pid}/fd`).length;

/** Slack over the baseline: keep-alive sockets of the test's own clients and the upstream pools. */
export const FD_SLACK = 20;

export const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

/** A clean keyed call to the `/echo` API on a new connection (`connection: close`): its status. */
export async function cleanCall(gatewayUrl: string, key: string): Promise<number> {
  const res = await fetch(`${gatewayUrl}/echo/clean`, { headers: { 'x-api-key': key, connection: 'close' } });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Asserts the two "must hold" points after a refused case: `clean()` (a call on a new connection) succeeds, and the
 * descriptor count comes back within FD_SLACK of `baseline` (polled: sockets close asynchronously).
 */
export async function expectRecovered(baseline: number, clean: () => Promise<number>): Promise<void> {
  expect(await clean()).toBe(200);
  await expect
    .poll(() => openFds(), { timeout: 5000, interval: 100 })
    .toBeLessThanOrEqual(baseline + FD_SLACK);
}

/** Status codes of every response in a raw reply (pipelined answers included, 1xx too). */
export function statusesOf(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
}
