// Provider presets and the Azure and Gemini fields in the admin API (exact bodies, each refusal naming its
// field), and where a call to each provider type goes (URL, auth and extra headers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant } from '../test-support/ai-fixtures.js';
import { startTestGateway, type TestGateway } from '../test-support/harness.js';
import type { ProviderEntry } from './ai-config.js';
import { presets } from './presets.js';
import { NO_OPTIONS } from './provider-options.js';
import { providerTarget } from './provider-target.js';

let gw: TestGateway;
let tenantId: string;
const keys = [{ key: 'sk-any' }];

beforeAll(async () => {
  gw = await startTestGateway();
  tenantId = await newTenant(gw);
});
afterAll(() => gw?.stop());

const create = (body: Record<string, unknown>) =>
  gw.admin.request('POST', '/admin/v1/ai/providers', { tenantId, keys, ...body });

describe('provider presets in the admin API', () => {
  it.each(Object.entries(presets).filter(([, p]) => p.baseUrl !== null))(
    'preset %s gives the type and base URL',
    async (name, p) => {
      const reply = await create({ name: `p-${name}`, preset: name });
      expect(reply.status).toBe(201);
      expect([reply.body.preset, reply.body.type, reply.body.baseUrl]).toEqual([name, p.type, p.baseUrl]);
    },
  );

  it('a preset base URL can be overridden (vLLM on another host)', async () => {
    const reply = await create({ name: 'my-vllm', preset: 'vllm', baseUrl: 'http://127.0.0.1:8001/v1' });
    expect([reply.status, reply.body.type, reply.body.baseUrl]).toEqual([
      201,
      'openai',
      'http://127.0.0.1:8001/v1',
    ]);
  });

  it('azure takes its API version (defaulted) and azureDeployments; the base URL is required', async () => {
    const missing = await create({ name: 'az-0', preset: 'azure' });
    expect([missing.status, missing.body.errors]).toEqual([
      400,
      [{ in: 'body', field: 'baseUrl', message: 'is required (no preset gives a default base URL)' }],
    ]);
    const made = await create({
      name: 'az-1',
      preset: 'azure',
      baseUrl: 'https://res.openai.azure.com',
      azureDeployments: { 'gpt-4o': 'prod-4o' },
      headers: { 'x-ms-client-tag': 'gw' },
    });
    expect(made.status).toBe(201);
    const { preset, type, baseUrl, apiVersion, azureDeployments, headers } = made.body;
    expect({ preset, type, baseUrl, apiVersion, azureDeployments, headers }).toEqual({
      preset: 'azure',
      type: 'azure',
      baseUrl: 'https://res.openai.azure.com',
      apiVersion: '2024-10-21',
      azureDeployments: { 'gpt-4o': 'prod-4o' },
      headers: { 'x-ms-client-tag': 'gw' },
    });
    const patched = await gw.admin.ok('PATCH', `/admin/v1/ai/providers/${made.body.id}`, {
      apiVersion: '2025-04-01-preview',
    });
    expect([patched.apiVersion, patched.azureDeployments]).toEqual([
      '2025-04-01-preview',
      { 'gpt-4o': 'prod-4o' },
    ]);
  });

  it('refuses fields that do not fit, naming each', async () => {
    const reply = await create({
      name: 'bad',
      preset: 'groq',
      type: 'anthropic',
      apiVersion: '2024-10-21',
      azureDeployments: { a: 'b' },
    });
    expect([reply.status, reply.body.errors]).toEqual([
      400,
      [
        { in: 'body', field: 'type', message: 'preset groq is of type openai' },
        { in: 'body', field: 'apiVersion', message: 'applies to providers of type azure only' },
        { in: 'body', field: 'azureDeployments', message: 'applies to providers of type azure only' },
      ],
    ]);
    const noType = await create({ name: 'bad-2', baseUrl: 'https://x.example/v1' });
    expect(noType.body.errors).toEqual([
      { in: 'body', field: 'type', message: 'is required (no preset gives a default type)' },
    ]);
    const reserved = await create({ name: 'bad-3', preset: 'openai', headers: { Authorization: 'x' } });
    expect([reserved.status, reserved.body.errors?.[0]?.field]).toEqual([400, 'headers.Authorization']);
  });
});

describe('where a call goes, by provider type', () => {
  const provider = (type: ProviderEntry['type'], baseUrl: string, options = NO_OPTIONS): ProviderEntry => ({
    id: 'prv_1',
    tenantId: 'ten_1',
    name: 'p',
    type,
    baseUrl,
    maxConnections: 1,
    options,
    keys: [],
  });
  const target = (p: ProviderEntry, op: '/chat/completions' | '/embeddings', stream = false) => {
    const t = providerTarget(p, op, 'gpt-4o', 'KEY', stream);
    return [t.url.toString(), t.headers];
  };

  it('maps each type to its URL and auth header, with the extra headers', () => {
    const headers = { 'x-extra': '1' };
    expect(
      target(
        provider('openai', 'https://api.groq.com/openai/v1', { ...NO_OPTIONS, headers }),
        '/chat/completions',
      ),
    ).toEqual([
      'https://api.groq.com/openai/v1/chat/completions',
      { 'x-extra': '1', authorization: 'Bearer KEY' },
    ]);
    const azure = provider('azure', 'https://res.openai.azure.com', {
      ...NO_OPTIONS,
      apiVersion: '2024-10-21',
      azureDeployments: { 'gpt-4o': 'prod 4o' },
    });
    expect(target(azure, '/chat/completions')).toEqual([
      'https://res.openai.azure.com/openai/deployments/prod%204o/chat/completions?api-version=2024-10-21',
      { 'api-key': 'KEY' },
    ]);
    const unmapped = provider('azure', 'https://res.openai.azure.com', {
      ...NO_OPTIONS,
      apiVersion: '2024-10-21',
    });
    expect(target(unmapped, '/embeddings')[0]).toBe(
      'https://res.openai.azure.com/openai/deployments/gpt-4o/embeddings?api-version=2024-10-21',
    );
    const gemini = provider('gemini', 'https://generativelanguage.googleapis.com/v1beta');
    expect(target(gemini, '/chat/completions')).toEqual([
      'https://generativelanguage.googleapis.com/v1beta/models/gpt-4o:generateContent',
      { 'x-goog-api-key': 'KEY' },
    ]);
    expect(target(gemini, '/chat/completions', true)[0]).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gpt-4o:streamGenerateContent?alt=sse',
    );
    expect(target(provider('anthropic', 'https://api.anthropic.com/v1'), '/chat/completions')).toEqual([
      'https://api.anthropic.com/v1/messages',
      { 'x-api-key': 'KEY', 'anthropic-version': '2023-06-01' },
    ]);
  });
});
