// quota.warning (80 %) and quota.exhausted (100 %): raised when a call takes a request quota past the threshold
// (limits/limits.ts sees the crossing on the atomic increment), once per quota window and tenant however many
// replicas see it (webhook_notices). The app's tenant hears of both its plan's and its own cap's quotas; the
// API's tenant of its plan's.
import type { Kysely } from 'kysely';
import type { RoutedCall } from '../data-plane/call.js';
import { limitReasons, type QuotaCrossing } from '../limits/limits.js';
import type { Database } from '../store/schema.js';
import { firstNotice, raiseEvent } from './events.js';

const TENANT_CAP: ReadonlySet<string> = new Set([limitReasons.tenantPerDay, limitReasons.tenantPerMonth]);
const DAILY: ReadonlySet<string> = new Set([limitReasons.requestsPerDay, limitReasons.tenantPerDay]);

export async function raiseQuotaEvents(
  db: Kysely<Database>,
  call: Pick<RoutedCall, 'subscription' | 'auth' | 'api'>,
  crossed: readonly QuotaCrossing[],
): Promise<void> {
  const sub = call.subscription;
  const consumer = call.auth?.app.tenantId;
  if (!sub || !consumer) return;
  for (const { counter, percent } of crossed) {
    const cap = TENANT_CAP.has(counter.reason);
    await db.transaction().execute(async (trx) => {
      // The counter key names the window (day or month), so the notice is once per window.
      if (!(await firstNotice(trx, consumer, `quota:${counter.key}:${percent}`))) return;
      await raiseEvent(
        trx,
        cap ? [consumer] : [consumer, call.api.tenantId],
        percent === 100 ? 'quota.exhausted' : 'quota.warning',
        {
          percent,
          limit: counter.limit,
          window: DAILY.has(counter.reason) ? 'day' : 'month',
          scope: cap ? 'tenant' : 'plan',
          tenantId: consumer,
          subscription: { id: sub.id, appId: sub.appId, apiId: sub.apiId, planId: sub.plan.id },
        },
      );
    });
  }
}
