// The Node floor: what Node itself does as a reverse proxy, with no policy at all: node:http in, an undici Pool
// out (the same client and pool size the gateway uses), the same forwarding headers as the nginx proxy row.
// Every gateway row is compared with it: what the gateway costs beyond Node is what its chain adds.
// Plain JavaScript, run by node directly (no tsx), as the gateway's dist build is.
// Usage: node node-floor.mjs <port> <upstream origin>
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Pool } from 'undici';

const [port, upstream] = process.argv.slice(2);
const pool = new Pool(upstream, { connections: 256, keepAliveTimeout: 30_000 });
// RFC 9110 §7.6.1: connection-scoped fields stay on their hop.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

const server = createServer((req, res) => {
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) if (!hopByHop.has(name)) headers[name] = value;
  const from = req.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${from}` : from;
  headers['x-request-id'] = randomUUID();
  const body = req.method === 'GET' || req.method === 'HEAD' ? null : req;
  // stream() writes the upstream body straight into the response: undici's cheapest way to relay one.
  pool.stream(
    { method: req.method, path: req.url, headers, body, opaque: res },
    ({ statusCode, headers: upHeaders, opaque }) => {
      const out = {};
      for (const [name, value] of Object.entries(upHeaders)) if (!hopByHop.has(name)) out[name] = value;
      opaque.writeHead(statusCode, out);
      return opaque;
    },
    (err) => {
      if (err && !res.headersSent) res.writeHead(502).end();
      else if (err) res.destroy();
    },
  );
});
server.keepAliveTimeout = 65_000;
server.listen(Number(port), '127.0.0.1', () => process.stdout.write(`node floor on ${port}\n`));
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.close().finally(() => process.exit(0));
});
