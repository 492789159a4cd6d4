// The response cache of an `ai` API (opt-in: `settings.cache`): a whole (non-streamed) answer is kept under the
// hash of the normalized request and served again, with `x-gateway-cache: hit|miss`, until its TTL. A hit asks
// no provider; its tokens are not charged unless `chargeHits` says so. Streamed calls bypass it (docs/ai.md).
import { createHash } from 'node:crypto';
import { aiUsageOf, type Call } from '../../data-plane/call.js';
import type { Api } from '../../domain/types.js';
import { findModel } from '../models.js';
import { readJsonBody } from '../request-body.js';
import type { TokenMeter } from '../token-accounting.js';
import { type CacheSettings, cacheSettings } from './schema.js';
import { type AnswerStore, type CachedAnswer, memoryAnswers, redisAnswers } from './store.js';
import { onAnswer } from './tap.js';

export const CACHE_HEADER = 'x-gateway-cache';

/** Members that name the caller or the transport, not the question: left out of the key. */
const NOT_THE_QUESTION = new Set(['user', 'stream', 'stream_options', 'metadata']);

const parsed = new WeakMap<Api, CacheSettings | null>();

/** The API's cache settings, parsed once per API object (once per snapshot); null when it has none. */
function settingsOf(api: Api): CacheSettings | null {
  let s = parsed.get(api);
  if (s === undefined) {
    const raw = api.kind === 'ai' ? api.settings.cache : undefined;
    const r = raw === undefined ? null : cacheSettings.safeParse(raw);
    s = r?.success ? r.data : null;
    parsed.set(api, s);
  }
  return s;
}

/** JSON with object keys sorted at every depth: equal requests give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export class ResponseCache {
  // Made at start-up: a Redis client connects meanwhile (commands fail fast while it is not connected).
  readonly #store: AnswerStore;

  constructor(o: { redisUrl?: string | undefined }) {
    this.#store = o.redisUrl ? redisAnswers(o.redisUrl) : memoryAnswers();
  }

  /** Runs the endpoint, or answers from the cache when the API has one and holds this request's answer. */
  async serve(call: Call, meter: TokenMeter, run: () => Promise<void>): Promise<void> {
    const settings = call.api ? settingsOf(call.api) : null;
    if (!settings || call.req.method !== 'POST') return run();
    const body = await readJsonBody(call);
    if (!body || typeof body !== 'object' || Array.isArray(body)) return run();
    const request = body as Record<string, unknown>;
    if (request.stream === true) return run();
    const api = call.api!;
    const model = typeof request.model === 'string' ? request.model : '';
    const question = Object.fromEntries(Object.entries(request).filter(([k]) => !NOT_THE_QUESTION.has(k)));
    const key = createHash('sha256')
      .update(
        canonicalJson({
          path: call.path.slice(api.basePath.length),
          // A model replaced under the same name is another model: its answers are not the old one's.
          modelId: call.snapshot.ai.modelsByTenant.get(api.tenantId)?.get(model)?.id ?? null,
          app: settings.scope === 'app' ? (call.auth?.app.id ?? null) : null,
          question,
        }),
      )
      .digest('base64url');
    const store = this.#store;
    const usage = aiUsageOf(call);
    const hit = await store.get(api.id, key).catch(() => null);
    if (hit) return this.#replay(call, meter, settings, hit);

    usage.cache = 'miss';
    usage.headers[CACHE_HEADER] = 'miss';
    let answer: string | null = null;
    onAnswer(call, (status, text) => {
      if (status === 200) answer = text;
    });
    await run();
    const sent = answer as string | null;
    if (sent === null || usage.promptTokens === null || Buffer.byteLength(sent) > settings.maxEntryBytes)
      return;
    const kept: CachedAnswer = {
      body: sent,
      model,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens ?? 0,
    };
    await store.set(api.id, key, kept, settings.ttlSeconds, settings.maxEntries).catch(() => {});
  }

  async #replay(call: Call, meter: TokenMeter, settings: CacheSettings, hit: CachedAnswer): Promise<void> {
    const usage = aiUsageOf(call);
    usage.cache = 'hit';
    usage.headers[CACHE_HEADER] = 'hit';
    usage.model = hit.model;
    const tokens = { promptTokens: hit.promptTokens, completionTokens: hit.completionTokens };
    if (settings.chargeHits) {
      // As if asked: held to every limit, and charged at the model's prices.
      const model = findModel(call, hit.model);
      await meter.reserve({ model, ...tokens });
      await meter.charge(model, tokens);
    } else {
      usage.promptTokens = 0;
      usage.completionTokens = 0;
      usage.costUsd = 0;
    }
    call.bytesOut = Buffer.byteLength(hit.body);
    call.writeHead(200, { 'content-type': 'application/json', 'content-length': call.bytesOut });
    call.res.end(hit.body);
  }

  async close(): Promise<void> {
    await this.#store.close();
  }
}
