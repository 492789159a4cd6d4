// The generated nginx configs, run for real: the backend's fixed body, and the proxy forwarding to it.
import { afterAll, describe, expect, it } from 'vitest';
import { backendBody, nginxConfig, type RunningNginx, startNginx } from './nginx.js';
import { freePort } from './processes.js';

describe('bench nginx', () => {
  const started: RunningNginx[] = [];
  afterAll(async () => {
    for (const nginx of started.reverse()) await nginx.stop();
  });

  it('keeps every path inside its own directory', () => {
    const config = nginxConfig('/tmp/x', { role: 'proxy', port: 1234, upstreamPort: 4321 });
    expect(config).toContain('listen 127.0.0.1:1234;');
    expect(config).toContain('server 127.0.0.1:4321; keepalive 128;');
    expect(config).toContain('pid /tmp/x/nginx.pid;');
    expect(config).toContain('worker_processes 1;');
    expect(config).not.toMatch(/\/var\/|\/etc\//);
  });

  it('serves the fixed body directly and through the proxy', async () => {
    const backend = await startNginx('backend', { role: 'backend', port: await freePort() });
    started.push(backend);
    const port = Number(new URL(backend.url).port);
    const proxy = await startNginx('proxy', { role: 'proxy', port: await freePort(), upstreamPort: port });
    started.push(proxy);
    for (const url of [`${backend.url}/any/path`, `${proxy.url}/bench`]) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.text()).toBe(backendBody);
    }
  });
});
