// Spend budgets of AI calls: a cap in USD per day and per month on what a consumer app, or a consumer tenant
// across its apps, spends on one tenant's models. Counted in micro-dollars with the other AI limits.
import type { Kysely } from 'kysely';
import type { Call } from '../data-plane/call.js';
import { type Counter, calendarCounters, limitReasons } from '../limits/limits.js';
import type { Database } from '../store/schema.js';

export const budgetScopes = ['app', 'tenant'] as const;
export type BudgetScope = (typeof budgetScopes)[number];

export interface BudgetEntry {
  usdPerDay: number | null;
  usdPerMonth: number | null;
}

/** Owner tenant, scope and consumer id → budget. */
export type Budgets = Map<string, BudgetEntry>;

const keyOf = (ownerTenantId: string, scope: BudgetScope, scopeId: string) =>
  `${ownerTenantId}|${scope}|${scopeId}`;

export async function loadBudgets(db: Kysely<Database>): Promise<Budgets> {
  const rows = await db.selectFrom('ai_budgets').selectAll().execute();
  return new Map(
    rows.map((r) => [
      keyOf(r.tenant_id, r.scope as BudgetScope, r.scope_id),
      {
        usdPerDay: r.usd_per_day === null ? null : Number(r.usd_per_day),
        usdPerMonth: r.usd_per_month === null ? null : Number(r.usd_per_month),
      },
    ]),
  );
}

const micro = (usd: number | null) => (usd === null ? null : Math.round(usd * 1_000_000));

/** The budget counters of the call's app and of its tenant, on the API owner's models. */
export function budgetCounters(call: Call, now: number): Counter[] {
  const app = call.auth?.app;
  const budgets = call.snapshot.ai.budgets;
  if (!app || budgets.size === 0) return [];
  const owner = call.api!.tenantId;
  const scopes = [
    { scope: 'app', id: app.id, day: limitReasons.appBudgetDay, month: limitReasons.appBudgetMonth },
    {
      scope: 'tenant',
      id: app.tenantId,
      day: limitReasons.tenantBudgetDay,
      month: limitReasons.tenantBudgetMonth,
    },
  ] as const;
  const counters: Counter[] = [];
  for (const s of scopes) {
    const budget = budgets.get(keyOf(owner, s.scope, s.id));
    if (!budget) continue;
    const scope = `${owner}:${s.scope}:${s.id}`;
    counters.push(
      ...calendarCounters(now, [
        { prefix: 'bd', scope, limit: micro(budget.usdPerDay), reason: s.day },
        { prefix: 'bm', scope, limit: micro(budget.usdPerMonth), reason: s.month },
      ]),
    );
  }
  return counters;
}
