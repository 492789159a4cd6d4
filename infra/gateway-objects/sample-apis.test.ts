// With gatewayObjects.adminUrl set, the stack declares the samples' tenant, API, plans, app and subscription.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { readImageManifest } from '../image-manifest.js';
import { runProgram } from '../testing/mock-runtime.js';

const manifest = readImageManifest();
const digest = (n: number) => n.toString(16).repeat(64).slice(0, 64);
const config = {
  adminToken: 'admin-token-0123456789abcdef',
  databasePassword: 'db-password-0123456789',
  images: {
    mode: 'ci',
    gateway: `ghcr.io/acme/gateway@sha256:${digest(1)}`,
    echo: `ghcr.io/acme/echo@sha256:${digest(2)}`,
    'llm-mock': `ghcr.io/acme/llm-mock@sha256:${digest(3)}`,
  },
};
const run = (extra: Record<string, unknown>) =>
  runProgram({
    config: { ...config, ...extra },
    manifest,
    repoRoot: mkdtempSync(join(tmpdir(), 'infra-objects-')),
  });
const dynamic = (type: string) => `pulumi-nodejs:dynamic/gateway-kit:${type}`;

test('one pulumi up declares the platform and the samples’ APIs, with the admin token secret', async () => {
  const result = await run({ gatewayObjects: { adminUrl: 'http://127.0.0.1:18080' } });
  const objects = result.resources.filter((r) => r.type.startsWith('pulumi-nodejs:dynamic/'));
  expect(objects.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
    [
      `${dynamic('Api')} samples-echo`,
      `${dynamic('App')} samples-app`,
      `${dynamic('Plan')} samples-echo-free`,
      `${dynamic('Plan')} samples-echo-gold`,
      `${dynamic('Subscription')} samples-demo-echo`,
      `${dynamic('Tenant')} samples-tenant`,
    ].sort(),
  );
  const api = objects.find((r) => r.name === 'samples-echo')!;
  expect(api.inputs).toMatchObject({
    kind: 'api',
    status: 'published',
    connection: { url: 'http://127.0.0.1:18080', token: 'admin-token-0123456789abcdef' },
    body: {
      tenantId: 'samples-tenant-id',
      name: 'Echo',
      basePath: '/echo',
      targets: [{ url: expect.stringMatching(/^http:\/\/echo\./) }],
    },
  });
  expect(api.secretPaths).toContain('connection');
  expect(result.resources.map((r) => r.type)).toContain('gateway-kit:objects:SampleApis');
});

test('sampleUrls replaces a sample’s in-cluster URL, and the demo app’s id is a stack output', async () => {
  const result = await run({
    gatewayObjects: { adminUrl: 'http://127.0.0.1:18080', sampleUrls: { echo: 'http://10.1.0.7:9000' } },
  });
  const api = result.resources.find((r) => r.name === 'samples-echo')!;
  expect((api.inputs as { body: { targets: unknown } }).body.targets).toEqual([
    { url: 'http://10.1.0.7:9000' },
  ]);
  expect(result.outputs.sampleAppId?.value).toBe('samples-app-id');
});

test('without gatewayObjects the stack declares no gateway object', async () => {
  const result = await run({});
  expect(result.resources.filter((r) => r.type.startsWith('pulumi-nodejs:dynamic/'))).toEqual([]);
});
