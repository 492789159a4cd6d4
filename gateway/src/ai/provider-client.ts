// Talks to AI providers over undici (one keep-alive Agent for all of them): builds the provider's URL and
// auth headers, sends a JSON body, and names network faults the way the call log does.
import type { LookupFunction } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import type { ProviderEntry } from './ai-config.js';
import { ANTHROPIC_VERSION } from './translate/openai-anthropic.js';

export const networkFaults = {
  refused: 'upstream_refused',
  timeout: 'upstream_timeout',
  reset: 'upstream_reset',
} as const;
export type NetworkFault = (typeof networkFaults)[keyof typeof networkFaults];

const REFUSED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const TIMEOUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** A provider could not be reached or stopped answering. */
export class ProviderFault extends Error {
  override name = 'ProviderFault';
  constructor(
    readonly kind: NetworkFault,
    cause: unknown,
  ) {
    super(`provider ${kind}`, { cause });
  }
}

export function faultOf(err: unknown): ProviderFault {
  if (err instanceof ProviderFault) return err;
  const e = err as { code?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code ?? '';
  const kind = TIMEOUT.has(code)
    ? networkFaults.timeout
    : REFUSED.has(code)
      ? networkFaults.refused
      : networkFaults.reset;
  return new ProviderFault(kind, err);
}

export interface ProviderRequest {
  provider: ProviderEntry;
  key: string;
  /** `chat` → /chat/completions (openai) or /messages (anthropic). */
  body: Record<string, unknown>;
  stream: boolean;
  requestId: string;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface ProviderClientOptions {
  connections: number;
  connectTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** DNS lookup for provider sockets (the SSRF guard's). */
  lookup?: LookupFunction;
}

export class ProviderClient {
  readonly #agent: Agent;

  constructor(options: ProviderClientOptions) {
    this.#agent = new Agent({
      connections: options.connections,
      connect: { timeout: options.connectTimeoutMs, ...(options.lookup ? { lookup: options.lookup } : {}) },
      keepAliveTimeout: options.keepAliveTimeoutMs,
    });
  }

  /** The provider's answer, whatever its status; throws ProviderFault when there is none. */
  async chat(r: ProviderRequest): Promise<Dispatcher.ResponseData> {
    const url = new URL(
      `${r.provider.baseUrl}${r.provider.type === 'anthropic' ? '/messages' : '/chat/completions'}`,
    );
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: r.stream ? 'text/event-stream' : 'application/json',
      'x-request-id': r.requestId,
    };
    if (r.provider.type === 'anthropic') {
      headers['x-api-key'] = r.key;
      headers['anthropic-version'] = ANTHROPIC_VERSION;
    } else headers.authorization = `Bearer ${r.key}`;
    try {
      return await this.#agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: 'POST',
        headers,
        body: JSON.stringify(r.body),
        signal: r.signal,
        headersTimeout: r.timeoutMs,
        bodyTimeout: r.timeoutMs,
      });
    } catch (err) {
      if (r.signal.aborted) throw err;
      throw faultOf(err);
    }
  }

  close(): Promise<void> {
    return this.#agent.close();
  }
}

/** Reads a whole (small) body as JSON; null when it is not JSON. Network faults mid-body become ProviderFault. */
export async function readJson(body: Dispatcher.ResponseData['body']): Promise<unknown> {
  let text: string;
  try {
    text = await body.text();
  } catch (err) {
    throw faultOf(err);
  }
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The human message inside a provider's error body (OpenAI `{error: {message}}`, Anthropic `{error: {message}}`). */
export function providerMessage(body: unknown): string | null {
  const m = (body as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof m === 'string' ? m.slice(0, 500) : null;
}
