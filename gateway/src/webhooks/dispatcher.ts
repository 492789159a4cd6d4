// Sends queued deliveries (events.ts): polls the store for due ones, claims each (so replicas and workers never
// send the same attempt twice), POSTs it signed, and on failure schedules the next attempt with exponential
// backoff until WEBHOOK_MAX_ATTEMPTS. State lives in the store only: a restart resumes where it stopped.
import type { Kysely } from 'kysely';
import { Agent, request } from 'undici';
import type { Env } from '../config/env.js';
import type { Logger } from '../observability/logger.js';
import { type OutboundGuard, OutboundRefused } from '../security/outbound.js';
import { webhookSecretBox } from '../security/secret-box.js';
import type { Database } from '../store/schema.js';
import { WebhookAddressGuard } from './address-guard.js';
import { checkExpiringKeys } from './expiring-keys.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';
import { previousSecretLive } from './store.js';

const BATCH = 20;
const ERROR_CHARS = 300;

export interface WebhookDispatcher {
  /** Runs one round now (tests; the timer runs it every WEBHOOK_POLL_MS). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/** The delay before attempt `attempt + 1`: base × 2^(attempt − 1), capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

type Outcome =
  | { ok: true; status: number }
  | { ok: false; status: number | null; error: string; final: boolean };

export function startWebhookDispatcher(options: {
  env: Env;
  db: Kysely<Database>;
  logger: Logger;
  guard: OutboundGuard;
}): WebhookDispatcher {
  const { env, db, logger } = options;
  const addresses = new WebhookAddressGuard(env.UPSTREAM_ALLOW);
  const agent = new Agent({
    connect: addresses.connector(options.guard.connector(Math.min(env.WEBHOOK_TIMEOUT_MS, 5000))),
    connections: 16,
  });
  const box = webhookSecretBox(env);
  let lastKeyCheck = 0;

  async function send(url: string, secrets: string[], payload: string, eventId: string, type: string) {
    try {
      const res = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'gateway-kit-webhooks',
          'gateway-event-id': eventId,
          'gateway-event-type': type,
          [SIGNATURE_HEADER]: signatureHeader(secrets, payload),
        },
        body: payload,
        headersTimeout: env.WEBHOOK_TIMEOUT_MS,
        bodyTimeout: env.WEBHOOK_TIMEOUT_MS,
      });
      await res.body.dump();
      if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, status: res.statusCode } as const;
      return { ok: false, status: res.statusCode, error: `HTTP ${res.statusCode}`, final: false } as const;
    } catch (err) {
      const e = err as Error & { code?: string };
      // A refused address is configuration, not an outage: retrying cannot help.
      if (e instanceof OutboundRefused)
        return { ok: false, status: null, error: `refused: ${e.message}`, final: true } as const;
      const error = `${e.code ? `${e.code}: ` : ''}${e.message}`.slice(0, ERROR_CHARS);
      return { ok: false, status: null, error, final: false } as const;
    }
  }

  async function attempt(row: {
    id: number;
    webhook_id: string;
    attempts: number;
    next_attempt_at: number | null;
  }) {
    const now = Date.now();
    // The claim: moving next_attempt_at past this attempt's timeout only succeeds for one claimant.
    const claimed = await db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: now + env.WEBHOOK_TIMEOUT_MS + 5000 })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '=', row.next_attempt_at)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return;
    const delivery = await db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', row.id)
      .executeTakeFirst();
    const hook = await db
      .selectFrom('webhooks')
      .selectAll()
      .where('id', '=', row.webhook_id)
      .executeTakeFirst();
    if (!delivery) return;
    let outcome: Outcome;
    if (!hook?.enabled) outcome = { ok: false, status: null, error: 'the webhook is disabled', final: true };
    else {
      const secrets = [box.open(hook.secret_sealed, hook.id)];
      // Within a rotation's grace period the previous secret signs too: receivers accept either `v1=`.
      if (previousSecretLive(hook)) secrets.push(box.open(hook.previous_secret_sealed!, hook.id));
      outcome = await send(hook.url, secrets, delivery.payload, delivery.event_id, delivery.event_type);
    }
    const attempts = row.attempts + 1;
    const done = Date.now();
    if (outcome.ok) {
      await db
        .updateTable('webhook_deliveries')
        .set({
          status: 'delivered',
          attempts,
          last_attempt_at: done,
          delivered_at: done,
          response_status: outcome.status,
          error: null,
          next_attempt_at: null,
        })
        .where('id', '=', row.id)
        .execute();
      return;
    }
    const failed = outcome.final || attempts >= env.WEBHOOK_MAX_ATTEMPTS;
    await db
      .updateTable('webhook_deliveries')
      .set({
        status: failed ? 'failed' : 'pending',
        attempts,
        last_attempt_at: done,
        response_status: outcome.status,
        error: outcome.error,
        next_attempt_at: failed
          ? null
          : done + backoffMs(attempts, env.WEBHOOK_RETRY_BASE_MS, env.WEBHOOK_RETRY_MAX_MS),
      })
      .where('id', '=', row.id)
      .execute();
    if (failed)
      logger.warn(
        { delivery: row.id, webhook: row.webhook_id, error: outcome.error },
        'webhook delivery failed',
      );
  }

  let running: Promise<void> | null = null;
  let stopped = false;

  async function round(): Promise<void> {
    const now = Date.now();
    if (now - lastKeyCheck >= env.WEBHOOK_KEY_CHECK_MS) {
      lastKeyCheck = now;
      await checkExpiringKeys(db, now, env.WEBHOOK_KEY_EXPIRY_NOTICE_HOURS * 3_600_000);
    }
    const due = await db
      .selectFrom('webhook_deliveries')
      .select(['id', 'webhook_id', 'attempts', 'next_attempt_at'])
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(BATCH)
      .execute();
    await Promise.all(
      due.map((r) =>
        attempt({
          ...r,
          id: Number(r.id),
          next_attempt_at: r.next_attempt_at === null ? null : Number(r.next_attempt_at),
        }),
      ),
    );
  }

  function tick(): Promise<void> {
    running ??= round()
      .catch((err) => logger.warn({ err }, 'webhook dispatch round failed'))
      .finally(() => {
        running = null;
      });
    return running;
  }

  const timer = setInterval(() => {
    if (!stopped) void tick();
  }, env.WEBHOOK_POLL_MS);
  timer.unref();

  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await agent.close();
    },
  };
}
