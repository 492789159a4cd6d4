// WebSocket upgrades are calls: the whole request phase (limits included), the same upstream selection,
// breaker and guarded DNS lookup as HTTP, and one call record when the tunnel closes.
import type { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CallRecord } from '../observability/call-record.js';
import { freePort } from '../test-support/free-port.js';
import {
  type Echo,
  listen,
  metricsText,
  seedKeyedApi,
  startEcho,
  startTestGateway,
  type TestGateway,
} from '../test-support/harness.js';

// A resolver standing in for DNS: only the gateway's guarded lookup can turn these names into addresses.
const zone: Record<string, LookupAddress[]> = {
  'echo.test': [{ address: '127.0.0.1', family: 4 }],
  'meta.test': [{ address: '169.254.169.254', family: 4 }],
};
const fakeDns = ((name: string, _o: unknown, cb: (e: Error | null, a: LookupAddress[]) => void) => {
  const found = zone[name];
  if (found) cb(null, found);
  else cb(Object.assign(new Error(`not found: ${name}`), { code: 'ENOTFOUND' }), []);
}) as unknown as typeof dnsLookup;

let echo: Echo;
let gw: TestGateway;
const records: CallRecord[] = [];

beforeAll(async () => {
  echo = await startEcho();
  gw = await startTestGateway(
    { BREAKER_FAILURES: 2, BREAKER_COOLDOWN_MS: 60_000 },
    { recorders: [(r) => records.push(r)], resolve: fakeDns },
  );
});

afterAll(async () => {
  await gw?.stop();
  await echo?.close();
});

type Opened = { ws?: WebSocket; status?: number; headers?: Record<string, unknown>; body?: string };

function open(path: string, headers: Record<string, string>): Promise<Opened> {
  return new Promise<Opened>((resolve) => {
    const ws = new WebSocket(`${gw.url.replace('http', 'ws')}${path}`, { headers });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    ws.once('error', () => {});
  });
}

async function roundTrip(ws: WebSocket, text: string): Promise<string> {
  const reply = new Promise<string>((r) => ws.once('message', (m) => r(m.toString())));
  ws.send(text);
  return reply;
}

async function recordOf(requestId: string): Promise<CallRecord[]> {
  for (let i = 0; i < 200 && !records.some((r) => r.clientRequestId === requestId); i++)
    await new Promise((r) => setTimeout(r, 10));
  // Anything recorded twice would be in by now: the record is written once both sockets have closed.
  await new Promise((r) => setTimeout(r, 50));
  return records.filter((r) => r.clientRequestId === requestId);
}

describe('a WebSocket upgrade is one call', () => {
  it('counts against the plan: beyond its rate limit the upgrade is refused with 429', async () => {
    const s = await seedKeyedApi(gw.admin, {
      targets: [{ url: echo.url }],
      basePath: '/ws-rate',
      plan: { rateLimit: { requestsPerSecond: 0.01, burst: 1 } },
    });
    const first = await open('/ws-rate/ws', { 'x-api-key': s.key });
    expect(first.ws).toBeDefined();
    expect(await roundTrip(first.ws!, 'one')).toBe('one');
    const second = await open('/ws-rate/ws', { 'x-api-key': s.key, 'x-request-id': 'ws-rate-2' });
    expect(second.status).toBe(429);
    expect(second.headers!['content-type']).toBe('application/problem+json');
    expect(second.headers!['ratelimit-limit']).toBe('1');
    expect(second.headers!['ratelimit-remaining']).toBe('0');
    expect(Number(second.headers!['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(second.body!)).toMatchObject({ code: 'rate_limited', status: 429 });
    first.ws!.close();
    const [refused] = await recordOf('ws-rate-2');
    expect(refused).toMatchObject({ status: 429, errorKind: 'limited_rate', apiId: s.apiId, appId: s.appId });
  });

  it('writes exactly one record when the tunnel closes, with its bytes each way', async () => {
    const s = await seedKeyedApi(gw.admin, { targets: [{ url: echo.url }], basePath: '/ws-bytes' });
    const { ws } = await open('/ws-bytes/ws', { 'x-api-key': s.key, 'x-request-id': 'ws-bytes-1' });
    expect(await roundTrip(ws!, 'hello')).toBe('hello');
    expect(records.some((r) => r.clientRequestId === 'ws-bytes-1')).toBe(false); // still open: nothing yet
    const closed = new Promise((r) => ws!.once('close', r));
    ws!.close(1000);
    await closed;
    const found = await recordOf('ws-bytes-1');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      status: 101,
      method: 'GET',
      path: '/ws-bytes/ws',
      apiId: s.apiId,
      appId: s.appId,
      subscriptionId: s.subscriptionId,
      authMethod: 'key',
      errorKind: null,
      // Client frames are masked (2 + 4 + payload), the echo's are not (2 + payload):
      // "hello" (11 in, 7 out) and the close handshake with code 1000 (8 in, 4 out).
      bytesIn: 19,
      bytesOut: 11,
    });
    expect(found[0]!.upstreamLatencyMs).toBeGreaterThan(0);
  });
});

describe('the upstream of an upgrade', () => {
  it('declining: its answer is relayed as the answer of the call, recorded, and its socket closed', async () => {
    const declining = createHttpServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('no tunnels here');
    });
    const url = await listen(declining);
    try {
      const s = await seedKeyedApi(gw.admin, { targets: [{ url }], basePath: '/ws-declined' });
      const refused = await open('/ws-declined/ws', { 'x-api-key': s.key, 'x-request-id': 'ws-declined-1' });
      expect(refused.status).toBe(403);
      expect(refused.body).toBe('no tunnels here');
      const [record] = await recordOf('ws-declined-1');
      expect(refused.headers!['x-request-id']).toBe(record!.requestId);
      expect(record).toMatchObject({ status: 403, errorKind: null, bytesOut: 15, authMethod: 'key' });
      // The handshake asked to keep the connection for a tunnel; with none, nothing may hold it open.
      const connections = () => new Promise<number>((r) => declining.getConnections((_e, n) => r(n)));
      for (let i = 0; i < 200 && (await connections()) > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await connections()).toBe(0);
    } finally {
      declining.closeAllConnections();
      await new Promise((r) => declining.close(r));
    }
  });

  it('resolves through the guarded lookup: a name for a metadata address is refused when connecting', async () => {
    const port = new URL(echo.url).port;
    const good = await seedKeyedApi(gw.admin, {
      targets: [{ url: `http://echo.test:${port}` }],
      basePath: '/ws-dns',
    });
    const { ws } = await open('/ws-dns/ws', { 'x-api-key': good.key });
    expect(await roundTrip(ws!, 'via fake dns')).toBe('via fake dns');
    ws!.close();

    const bad = await seedKeyedApi(gw.admin, {
      targets: [{ url: `http://meta.test:${port}` }],
      basePath: '/ws-meta',
      retries: 0,
    });
    const refused = await open('/ws-meta/ws', { 'x-api-key': bad.key, 'x-request-id': 'ws-meta-1' });
    expect(refused.status).toBe(502);
    expect(JSON.parse(refused.body!)).toMatchObject({
      code: 'upstream_unavailable',
      detail: 'the upstream refused or dropped the connection',
    });
    const [record] = await recordOf('ws-meta-1');
    expect(record).toMatchObject({ status: 502, errorKind: 'upstream_refused' });
  });

  it('skips a target whose breaker HTTP failures opened', async () => {
    // A target that accepts and drops every connection: HTTP calls fail on it (and are retried on the echo).
    const accepted: Socket[] = [];
    const dropper = createServer((socket) => {
      accepted.push(socket);
      socket.destroy();
    });
    const port = await freePort();
    await new Promise<void>((r) => dropper.listen(port, '127.0.0.1', r));
    try {
      const s = await seedKeyedApi(gw.admin, {
        targets: [{ url: `http://127.0.0.1:${port}` }, { url: echo.url }],
        basePath: '/ws-breaker',
      });
      while (accepted.length < 2) {
        const res = await fetch(`${gw.url}/ws-breaker/x`, { headers: { 'x-api-key': s.key } });
        expect(res.status).toBe(200); // retried on the echo
        await res.arrayBuffer();
      }
      const metrics = await metricsText(gw);
      expect(metrics).toContain(`gateway_circuit_opened_total{target="http://127.0.0.1:${port}"} 1`);
      const before = accepted.length;
      for (let i = 0; i < 4; i++) {
        const { ws } = await open('/ws-breaker/ws', { 'x-api-key': s.key });
        expect(await roundTrip(ws!, `n${i}`)).toBe(`n${i}`);
        ws!.close();
      }
      expect(accepted.length).toBe(before);
    } finally {
      await new Promise((r) => dropper.close(r));
    }
  });
});
