// The connect-time half of the SSRF guard: a target name that resolves to a metadata address is refused when
// the socket connects, whatever the name looked like when the API was written.
import type { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { Pool } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Echo, startEcho } from '../test-support/harness.js';
import { guardedLookup } from './ssrf.js';

// A resolver standing in for DNS, so the test decides what each name resolves to.
const zone: Record<string, LookupAddress[]> = {
  'echo.test': [{ address: '127.0.0.1', family: 4 }],
  'meta.test': [{ address: '169.254.169.254', family: 4 }],
  'mixed.test': [
    { address: 'fd00:ec2::254', family: 6 },
    { address: '127.0.0.1', family: 4 },
  ],
};
const fakeDns = ((
  name: string,
  _options: unknown,
  callback: (e: Error | null, a: LookupAddress[]) => void,
) => {
  const found = zone[name];
  if (found) callback(null, found);
  else callback(Object.assign(new Error(`not found: ${name}`), { code: 'ENOTFOUND' }), []);
}) as unknown as typeof dnsLookup;

let echo: Echo;
beforeAll(async () => {
  echo = await startEcho();
});
afterAll(async () => echo?.close());

function lookupAll(lookup: ReturnType<typeof guardedLookup>, name: string, all: boolean) {
  return new Promise<{ code?: string; result?: unknown }>((resolve) =>
    lookup(name, { all }, (err, address, family) =>
      resolve(err ? { code: err.code } : { result: all ? address : [address, family] }),
    ),
  );
}

it('refuses names that resolve only to metadata addresses and drops such addresses from mixed answers', async () => {
  const lookup = guardedLookup([], fakeDns);
  expect(await lookupAll(lookup, 'meta.test', false)).toEqual({ code: 'EUPSTREAMFORBIDDEN' });
  expect(await lookupAll(lookup, 'mixed.test', true)).toEqual({
    result: [{ address: '127.0.0.1', family: 4 }],
  });
  expect(await lookupAll(lookup, 'echo.test', false)).toEqual({ result: ['127.0.0.1', 4] });
  expect(await lookupAll(lookup, 'nowhere.test', false)).toEqual({ code: 'ENOTFOUND' });
  const allowed = guardedLookup(['meta.test'], fakeDns);
  expect(await lookupAll(allowed, 'meta.test', false)).toEqual({ result: ['169.254.169.254', 4] });
});

it('stops an undici socket before it connects to a forbidden address', async () => {
  const port = new URL(echo.url).port;
  const lookup = guardedLookup([], fakeDns);
  const good = new Pool(`http://echo.test:${port}`, { connect: { lookup } });
  const res = await good.request({ path: '/x', method: 'GET' });
  expect(res.statusCode).toBe(200);
  await res.body.text();
  await good.close();

  const bad = new Pool(`http://meta.test:${port}`, { connect: { lookup, timeout: 1000 } });
  await expect(bad.request({ path: '/x', method: 'GET' })).rejects.toMatchObject({
    code: 'EUPSTREAMFORBIDDEN',
  });
  await bad.close();
});
