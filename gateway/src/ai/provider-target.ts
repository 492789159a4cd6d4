// Where a call to a provider goes and how it authenticates, by provider type: OpenAI-compatible
// (`Authorization: Bearer`), Anthropic (`x-api-key`, `anthropic-version`), Azure OpenAI (a deployment in the
// path, `api-version` in the query, `api-key`) and Gemini's native API (the model in the path, `:generateContent`
// or `:streamGenerateContent?alt=sse`, `x-goog-api-key`). The provider's own extra headers go on every call.
import type { ProviderEntry } from './ai-config.js';
import { NO_OPTIONS } from './provider-options.js';
import { ANTHROPIC_VERSION } from './translate/openai-anthropic.js';

/** The operation asked for, as OpenAI names its path. */
export type Operation = '/chat/completions' | '/embeddings';

export interface ProviderTarget {
  url: URL;
  headers: Record<string, string>;
}

export function providerTarget(
  provider: ProviderEntry,
  op: Operation,
  upstreamModel: string,
  key: string,
  stream: boolean,
): ProviderTarget {
  const base = provider.baseUrl;
  const options = provider.options ?? NO_OPTIONS;
  const headers: Record<string, string> = { ...options.headers };
  const model = encodeURIComponent(upstreamModel);
  switch (provider.type) {
    case 'anthropic':
      headers['x-api-key'] = key;
      headers['anthropic-version'] = ANTHROPIC_VERSION;
      return { url: new URL(`${base}${op === '/chat/completions' ? '/messages' : op}`), headers };
    case 'azure': {
      headers['api-key'] = key;
      const deployment = encodeURIComponent(options.azureDeployments[upstreamModel] ?? upstreamModel);
      const url = new URL(`${base}/openai/deployments/${deployment}${op}`);
      url.searchParams.set('api-version', options.apiVersion ?? '');
      return { url, headers };
    }
    case 'gemini':
      headers['x-goog-api-key'] = key;
      return {
        url: new URL(
          stream
            ? `${base}/models/${model}:streamGenerateContent?alt=sse`
            : `${base}/models/${model}:generateContent`,
        ),
        headers,
      };
    default:
      headers.authorization = `Bearer ${key}`;
      return { url: new URL(`${base}${op}`), headers };
  }
}
