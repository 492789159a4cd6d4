import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createEchoServer } from './server.js';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function start(): Promise<number> {
  const server = createEchoServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

interface Outcome {
  status?: number;
  headers?: http.IncomingHttpHeaders;
  body: Buffer;
  error?: string;
}

/** A GET that reports what arrived before any failure instead of throwing it away. */
function get(port: number, path: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const done = (error?: string) =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), error });
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(res.complete ? undefined : 'incomplete'));
      res.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    });
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ body: Buffer.alloc(0), error: e.code ?? e.message }),
    );
  });
}

describe('/bytes', () => {
  it('streams n deterministic bytes', async () => {
    const port = await start();
    const n = 3 * 64 * 1024 + 77;
    const reply = await get(port, `/bytes/${n}`);
    expect(reply.error).toBeUndefined();
    expect(reply.status).toBe(200);
    expect(reply.headers?.['content-type']).toBe('application/octet-stream');
    expect(reply.headers?.['content-length']).toBe(String(n));
    expect(reply.body.length).toBe(n);
    const expected = Buffer.from(Array.from({ length: n }, (_, i) => i % 256));
    expect(reply.body.equals(expected)).toBe(true);
  });

  it('sends an empty body for 0', async () => {
    const port = await start();
    const reply = await get(port, '/bytes/0');
    expect([reply.status, reply.headers?.['content-length'], reply.body.length]).toEqual([200, '0', 0]);
  });
});

describe('/stream', () => {
  it('sends count SSE events then [DONE]', async () => {
    const port = await start();
    const reply = await get(port, '/stream?count=3&intervalMs=5');
    expect(reply.status).toBe(200);
    expect(reply.headers?.['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(reply.headers?.['cache-control']).toBe('no-cache');
    expect(reply.body.toString()).toBe('data: {"n":0}\n\ndata: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n');
  });

  it('rejects a bad count', async () => {
    const port = await start();
    const reply = await get(port, '/stream?count=lots');
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body.toString()).detail).toBe('count must be a whole number from 0 to 10000');
  });
});

describe('broken responses', () => {
  it('/drop closes the connection without a response', async () => {
    const port = await start();
    expect(await get(port, '/drop')).toEqual({ body: Buffer.alloc(0), error: 'ECONNRESET' });
  });

  it('/reset-mid sends headers and half the body, then resets', async () => {
    const port = await start();
    const reply = await get(port, '/reset-mid');
    expect(reply.status).toBe(200);
    expect(reply.headers?.['content-length']).toBe('1024');
    expect(reply.body.length).toBe(512);
    expect(reply.error).toBe('ECONNRESET');
  });
});

describe('/ws', () => {
  async function open(url: string): Promise<WebSocket> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return ws;
  }

  const next = (ws: WebSocket) =>
    new Promise<{ data: string; isBinary: boolean }>((resolve) =>
      ws.once('message', (data: Buffer, isBinary) => resolve({ data: data.toString('hex'), isBinary })),
    );

  it('echoes text and binary messages', async () => {
    const port = await start();
    const ws = await open(`ws://127.0.0.1:${port}/ws`);
    let message = next(ws);
    ws.send('hello');
    expect(await message).toEqual({ data: Buffer.from('hello').toString('hex'), isBinary: false });
    message = next(ws);
    ws.send(Buffer.from([0, 1, 255]));
    expect(await message).toEqual({ data: '0001ff', isBinary: true });
    ws.close();
  });

  it('closes open WebSockets when the server closes', async () => {
    const port = await start();
    const ws = await open(`ws://127.0.0.1:${port}/ws`);
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    await new Promise((resolve) => servers.pop()!.close(resolve));
    expect(await closed).toBe(1006);
  });

  it('refuses upgrades elsewhere and plain requests to /ws', async () => {
    const port = await start();
    await expect(open(`ws://127.0.0.1:${port}/other`)).rejects.toThrow('Unexpected server response: 404');
    const reply = await get(port, '/ws');
    expect(reply.status).toBe(426);
    expect(JSON.parse(reply.body.toString())).toEqual({
      type: 'about:blank',
      title: 'Upgrade Required',
      status: 426,
      detail: '/ws accepts WebSocket upgrades only',
    });
  });
});
