// Serves APIs of kind `ai` and `prompt` with the AI layer (ai/): token quotas, provider fallback, token
// accounting. Auth, subscription, body and request limits have run before it. It owns both halves of what it
// adds to an answer: OpenAI's x-ratelimit-* headers, and OpenAI's `error` member on every refusal of such an
// API, the shared chain's included (OpenAI clients read their message from it).
import type { OutgoingHttpHeaders } from 'node:http';
import { aiGateway, errorShapeOf } from '../../ai/index.js';
import type { RoutedCall } from '../../data-plane/call.js';
import { definePolicy, type Hooks } from '../policy.js';

export const aiServe = definePolicy({
  name: 'ai',
  phase: 'serve',
  create: (deps) => {
    const ai = aiGateway({
      limits: deps.limits,
      onStoreError: deps.onLimitsStoreError,
      reportStoreError: deps.reportLimitsStoreError,
      secret: deps.secret,
      logger: deps.logger,
      connector: deps.connector,
      via: deps.via,
      registry: deps.registry,
      redisUrl: deps.redisUrl,
    });
    const response = (call: RoutedCall, headers: OutgoingHttpHeaders) => {
      if (call.ai) Object.assign(headers, call.ai.headers);
    };
    return {
      bind: (api): Hooks | null => {
        const shape = errorShapeOf(api.kind);
        return shape ? { request: ai, response, error: (call, err) => shape(err, call) } : null;
      },
      close: () => ai.close(),
    };
  },
});
