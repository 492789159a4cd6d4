// Talks to AI providers over undici: each provider has its own keep-alive pool, capped at its
// `maxConnections` and shared fairly between consumer tenants (fair-gate.ts), so no cap is global and one
// provider's (or tenant's) long streams never queue another's calls. Builds the provider's URL and auth
// headers, sends a JSON body, and names network faults the way the call log does.
import { performance } from 'node:perf_hooks';
import { type buildConnector, type Dispatcher, Pool } from 'undici';
import type { ProviderEntry } from './ai-config.js';
import { FairGate, GateTimeout } from './fair-gate.js';
import { type Operation, providerTarget } from './provider-target.js';

export const networkFaults = {
  refused: 'upstream_refused',
  timeout: 'upstream_timeout',
  reset: 'upstream_reset',
  /** No connection of the provider's pool came free within the call's timeout. */
  queued: 'upstream_queue_timeout',
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
  if (err instanceof GateTimeout) return new ProviderFault(networkFaults.queued, err);
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
  body: Record<string, unknown>;
  /** The model's name at the provider (Azure and Gemini put it in the URL). */
  model: string;
  /** The operation, as OpenAI's path names it; chat's by default (provider-target.ts maps it per type). */
  path?: Operation;
  stream: boolean;
  requestId: string;
  /** Covers the wait for a connection and the provider's headers; then the longest silence mid-body. */
  timeoutMs: number;
  signal: AbortSignal;
  /** Who the call is for (the consumer tenant): turns at a full pool are taken per consumer. */
  consumer: string;
}

export interface ProviderClientOptions {
  connectTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Opens provider sockets: the outbound guard's (security/outbound.ts), checking each address at connect time. */
  connector?: buildConnector.connector;
  /** The gateway's Via hop, so a base URL leading back to the gateway is refused as a loop (508). */
  via?: string;
}

interface ProviderPool {
  origin: string;
  pool: Pool;
  gate: FairGate;
}

export class ProviderClient {
  // By provider id. A provider whose origin or cap changes gets a new pool; the old one drains and closes.
  readonly #pools = new Map<string, ProviderPool>();

  constructor(private readonly options: ProviderClientOptions) {}

  #poolOf(provider: ProviderEntry, origin: string): ProviderPool {
    const found = this.#pools.get(provider.id);
    if (found && found.origin === origin && found.gate.max === provider.maxConnections) return found;
    if (found) void found.pool.close().catch(() => {});
    const { connectTimeoutMs, keepAliveTimeoutMs, connector } = this.options;
    const entry: ProviderPool = {
      origin,
      pool: new Pool(origin, {
        connections: provider.maxConnections,
        connect: connector ?? { timeout: connectTimeoutMs },
        keepAliveTimeout: keepAliveTimeoutMs,
      }),
      gate: new FairGate(provider.maxConnections),
    };
    this.#pools.set(provider.id, entry);
    return entry;
  }

  /** Calls holding a connection and calls waiting for one, per provider id. */
  *loads(): Iterable<[providerId: string, active: number, waiting: number]> {
    for (const [id, { gate }] of this.#pools) yield [id, gate.active, gate.waiting];
  }

  /** The provider's answer, whatever its status; throws ProviderFault when there is none. */
  async chat(r: ProviderRequest): Promise<Dispatcher.ResponseData> {
    const target = providerTarget(r.provider, r.path ?? '/chat/completions', r.model, r.key, r.stream);
    const url = target.url;
    const headers: Record<string, string> = {
      ...target.headers,
      'content-type': 'application/json',
      accept: r.stream ? 'text/event-stream' : 'application/json',
      'x-request-id': r.requestId,
      ...(this.options.via ? { via: this.options.via } : {}),
    };
    const { pool, gate } = this.#poolOf(r.provider, url.origin);
    const queuedAt = performance.now();
    let release: (() => void) | null = null;
    try {
      release = await gate.acquire(r.consumer, r.timeoutMs, r.signal);
      // The wait for a connection counts in the call's timeout: the provider gets what is left of it.
      const left = Math.max(1, Math.round(r.timeoutMs - (performance.now() - queuedAt)));
      const response = await pool.request({
        path: url.pathname + url.search,
        method: 'POST',
        headers,
        body: JSON.stringify(r.body),
        signal: r.signal,
        headersTimeout: left,
        bodyTimeout: r.timeoutMs,
      });
      // The slot is the exchange's until its body is read to the end, cut, or abandoned.
      response.body.once('close', release);
      return response;
    } catch (err) {
      release?.();
      if (r.signal.aborted) throw err;
      throw faultOf(err);
    }
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.pool.close()));
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
