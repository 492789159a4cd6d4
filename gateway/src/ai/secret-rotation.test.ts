// Provider keys survive a restart with the same SECRET_KEY, and are skipped (not leaked, not fatal) after it
// changes: the documented trade-off of sealing keys at rest.
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type LlmMock,
  newTenant,
  seedAiApi,
  seedModel,
  seedProvider,
  settled,
  startLlmMock,
} from '../test-support/ai-fixtures.js';
import { startTestGateway } from '../test-support/harness.js';
import { sqliteDatabase, type TestDatabase } from '../test-support/stores.js';

let mock: LlmMock;
let db: TestDatabase;
let key: string;
let providerId: string;
let keyId: string;

const SECRET_A = 'secret-key-aaaaaaaaaaaaaaaa';

beforeAll(async () => {
  mock = await startLlmMock({ apiKeys: ['sk-upstream'] });
  db = sqliteDatabase();
  const gw = await startTestGateway({ DATABASE_URL: db.url, SECRET_KEY: SECRET_A });
  const tenantId = await newTenant(gw);
  const p = await seedProvider(gw, {
    tenantId,
    type: 'openai',
    baseUrl: `${mock.url}/v1`,
    keys: [{ key: 'sk-upstream' }],
  });
  providerId = p.id;
  keyId = p.keyIds[0]!;
  await seedModel(gw, { tenantId, name: 'gpt', providerId, upstreamModel: 'mock-gpt-small' });
  key = (await seedAiApi(gw, { tenantId, kind: 'ai', basePath: '/ai/v1' })).key;
  await gw.stop();
});

afterAll(async () => {
  await mock?.close();
  await db?.drop();
});

const ask = (url: string, requestId: string) =>
  new OpenAI({ apiKey: key, baseURL: `${url}/ai/v1`, maxRetries: 0 }).chat.completions.create(
    { model: 'gpt', messages: [{ role: 'user', content: 'hi' }] },
    { headers: { 'x-request-id': requestId } },
  );

it('opens the keys after a restart with the same SECRET_KEY', async () => {
  const gw = await startTestGateway({ DATABASE_URL: db.url, SECRET_KEY: SECRET_A });
  try {
    expect((await ask(gw.url, 'same-secret')).choices[0]!.message.content).toBe('echo: hi');
  } finally {
    await gw.stop();
  }
});

it('skips keys it cannot open after SECRET_KEY changed, and says so in the attempts', async () => {
  const gw = await startTestGateway({ DATABASE_URL: db.url, SECRET_KEY: 'another-secret-bbbbbbbbbbbb' });
  try {
    const err = await ask(gw.url, 'new-secret').catch((e: unknown) => e);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    const row = await settled(gw, 'new-secret');
    expect(JSON.parse(row.attempts!)).toEqual([
      { provider: providerId, key: keyId, model: 'gpt', status: null, error: 'key_unreadable', ms: 0 },
    ]);
    expect(row.error_kind).toBe('upstream_key_unreadable');
  } finally {
    await gw.stop();
  }
});
