import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createEchoServer, type EchoServerOptions } from './server.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function start(options?: EchoServerOptions): Promise<{ server: http.Server; port: number }> {
  const server = createEchoServer(options);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** One request on a fresh connection (`connection: close`), so the headers the server sees are exact. */
function send(
  port: number,
  path: string,
  init: { method?: string; headers?: http.OutgoingHttpHeaders; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

const json = (reply: Reply) => JSON.parse(reply.body.toString('utf8'));

describe('echo', () => {
  it('reflects method, raw path, query, headers and body', async () => {
    const { port } = await start();
    const reply = await send(port, '/a/%20b/../c?x=1&y=2&x=3&empty=', {
      method: 'POST',
      headers: { 'X-Test': 'Yes', 'content-type': 'text/plain' },
      body: 'héllo',
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.headers['content-length']).toBe(String(reply.body.length));
    expect(json(reply)).toEqual({
      method: 'POST',
      path: '/a/%20b/../c',
      query: { x: ['1', '3'], y: '2', empty: '' },
      headers: {
        'x-test': 'Yes',
        'content-type': 'text/plain',
        host: `127.0.0.1:${port}`,
        connection: 'close',
        'content-length': '6',
      },
      body: 'héllo',
      bodyBytes: 6,
    });
  });

  it('cuts the echoed body at maxEchoBodyBytes but counts every byte', async () => {
    const { port } = await start({ maxEchoBodyBytes: 4 });
    const reply = await send(port, '/upload', { method: 'PUT', body: 'abcdefghij' });
    expect(json(reply)).toMatchObject({
      method: 'PUT',
      path: '/upload',
      query: {},
      body: 'abcd',
      bodyBytes: 10,
    });
  });

  it('rejects unknown options', () => {
    expect(() => createEchoServer({ nope: true } as EchoServerOptions)).toThrow(/nope/);
  });

  it('calls onRequest once per request', async () => {
    const seen: string[] = [];
    const { port } = await start({ onRequest: (req) => seen.push(`${req.method} ${req.url}`) });
    await send(port, '/one');
    await send(port, '/status/503', { method: 'DELETE' });
    expect(seen).toEqual(['GET /one', 'DELETE /status/503']);
  });

  it('answers /healthz', async () => {
    const { port } = await start();
    const reply = await send(port, '/healthz');
    expect([reply.status, json(reply)]).toEqual([200, { status: 'ok' }]);
  });
});

describe('/status and /delay', () => {
  it('answers the asked status with a {status} body', async () => {
    const { port } = await start();
    const reply = await send(port, '/status/429', { method: 'POST', body: 'ignored' });
    expect(reply.status).toBe(429);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(json(reply)).toEqual({ status: 429 });
  });

  it('sends no body with 204', async () => {
    const { port } = await start();
    const reply = await send(port, '/status/204');
    expect([reply.status, reply.body.length, reply.headers['content-type']]).toEqual([204, 0, undefined]);
  });

  it.each(['/status/abc', '/status/199', '/status/600', '/delay/60001', '/delay/-1', '/bytes/104857601'])(
    'rejects %s with problem+json',
    async (path) => {
      const { port } = await start();
      const reply = await send(port, path);
      expect(reply.status).toBe(400);
      expect(reply.headers['content-type']).toBe('application/problem+json');
      const problem = json(reply);
      expect(problem).toEqual({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: expect.stringMatching(
          /^(status code|delay ms|byte count) must be a whole number from \d+ to \d+$/,
        ),
      });
    },
  );

  it('echoes after a delay', async () => {
    const { port } = await start();
    const reply = await send(port, '/delay/20?k=v', { method: 'POST', body: 'late' });
    expect(reply.status).toBe(200);
    expect(json(reply)).toMatchObject({ path: '/delay/20', query: { k: 'v' }, body: 'late', bodyBytes: 4 });
  });
});
