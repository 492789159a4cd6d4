// The llm-mock's one error type, rendered in the error shape of the provider the request speaks.
export const Provider = { openai: 'openai', anthropic: 'anthropic' } as const;
export type Provider = (typeof Provider)[keyof typeof Provider];

export class LlmMockError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: {
      /** OpenAI's `param`: the request field at fault. */
      param?: string | null;
      /** OpenAI's `code`, e.g. `invalid_api_key`. */
      code?: string | null;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'LlmMockError';
  }
}

function openAiType(status: number): string {
  if (status === 429) return 'requests';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

const ANTHROPIC_TYPES: Record<number, string> = {
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  503: 'overloaded_error',
  529: 'overloaded_error',
};

function anthropicType(status: number): string {
  return ANTHROPIC_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** The JSON body each provider answers an error with. */
export function errorBody(provider: Provider, error: LlmMockError): unknown {
  if (provider === Provider.anthropic) {
    return { type: 'error', error: { type: anthropicType(error.status), message: error.message } };
  }
  const code = error.extra.code ?? (error.status === 429 ? 'rate_limit_exceeded' : null);
  return {
    error: { message: error.message, type: openAiType(error.status), param: error.extra.param ?? null, code },
  };
}
