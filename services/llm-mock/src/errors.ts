// The llm-mock's one error type, rendered in the error shape of the provider the request speaks.
export const Provider = {
  openai: 'openai',
  anthropic: 'anthropic',
  azure: 'azure',
  gemini: 'gemini',
} as const;
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

/** Google's canonical status names for the HTTP statuses the mock answers with. */
const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  503: 'UNAVAILABLE',
};

/** The JSON body each provider answers an error with (Azure's is OpenAI's). */
export function errorBody(provider: Provider, error: LlmMockError): unknown {
  if (provider === Provider.gemini) {
    const status = GOOGLE_STATUS[error.status] ?? (error.status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
    return { error: { code: error.status, message: error.message, status } };
  }
  if (provider === Provider.anthropic) {
    return { type: 'error', error: { type: anthropicType(error.status), message: error.message } };
  }
  const code = error.extra.code ?? (error.status === 429 ? 'rate_limit_exceeded' : null);
  return {
    error: { message: error.message, type: openAiType(error.status), param: error.extra.param ?? null, code },
  };
}
