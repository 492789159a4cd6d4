// One AI test stack: a real llm-mock, a real gateway, a tenant with one model per provider type (each model
// named after its type, all at the same prices), and a keyed AI API in front of them. The per-call usage
// and cost a test expects come from llm-mock's pure model (services/llm-mock/src/model.ts).
import { type ChatMessage, complete } from '../../../services/llm-mock/src/model.js';
import type { LlmMockServerOptions } from '../../../services/llm-mock/src/server.js';
import { costOf } from '../ai/token-accounting.js';
import {
  type LlmMock,
  newTenant,
  type ProviderSeed,
  type SeededAiApi,
  seedAiApi,
  seedModel,
  seedProvider,
  settled,
  startLlmMock,
} from './ai-fixtures.js';
import { startTestGateway, type TestGateway } from './harness.js';

export const PRICES = { inputPricePer1k: 0.003, outputPricePer1k: 0.015 };

/** A provider type as tests seed it: its type and extra admin fields, and its base URL under llm-mock. */
export interface ProviderKind {
  type: string;
  /** After llm-mock's origin: `/v1` for OpenAI and Anthropic. */
  path: string;
  extra?: Record<string, unknown>;
}

export const OPENAI: ProviderKind = { type: 'openai', path: '/v1' };
export const ANTHROPIC: ProviderKind = { type: 'anthropic', path: '/v1' };
/** Azure: the resource's origin; the deployment of `mock-model` is `mock-deployment`. */
export const AZURE: ProviderKind = {
  type: 'azure',
  path: '',
  extra: { apiVersion: '2024-10-21', azureDeployments: { 'mock-model': 'mock-deployment' } },
};
export const GEMINI: ProviderKind = { type: 'gemini', path: '/v1beta' };
export const ALL_KINDS = [OPENAI, ANTHROPIC, AZURE, GEMINI];

/** The key every seeded provider sends, and the only one llm-mock takes (so each format's auth header is checked). */
const PROVIDER_KEY = 'sk-mock';

export interface AiStack {
  mock: LlmMock;
  gw: TestGateway;
  tenantId: string;
  api: SeededAiApi;
  /** The API's URL: `<gateway>/<basePath>`. */
  url: string;
  close(): Promise<void>;
}

export async function startAiStack(
  kinds: ProviderKind[],
  basePath = '/ai/v1',
  mockDefaults: LlmMockServerOptions['defaults'] = {},
): Promise<AiStack> {
  const mock = await startLlmMock({ apiKeys: [PROVIDER_KEY], defaults: mockDefaults });
  const gw = await startTestGateway();
  const tenantId = await newTenant(gw);
  for (const kind of kinds) {
    const p = await seedProvider(gw, {
      tenantId,
      type: kind.type as ProviderSeed['type'],
      baseUrl: `${mock.url}${kind.path}`,
      keys: [{ key: PROVIDER_KEY }],
      ...(kind.extra ? { extra: kind.extra } : {}),
    });
    await seedModel(gw, {
      tenantId,
      name: kind.type,
      providerId: p.id,
      upstreamModel: 'mock-model',
      ...PRICES,
    });
  }
  const api = await seedAiApi(gw, { tenantId, kind: 'ai', basePath });
  return {
    mock,
    gw,
    tenantId,
    api,
    url: `${gw.url}${basePath}`,
    close: async () => {
      await gw.stop();
      await mock.close();
    },
  };
}

/** What llm-mock will count and answer for these messages, and what the gateway must log for it. */
export function predict(messages: ChatMessage[], maxTokens?: number) {
  const c = complete(messages, { maxTokens });
  return { ...c, costUsd: costOf(PRICES, c) };
}

/** Waits for the call's record and returns [status, prompt tokens, completion tokens, cost]. */
export async function loggedUsage(stack: AiStack, requestId: string) {
  const row = await settled(stack.gw, requestId);
  return [row.status, row.prompt_tokens, row.completion_tokens, row.cost_usd];
}
