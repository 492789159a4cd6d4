// From a provider's verified claims to a user: found by (provider, sub), else linked to the account with the
// provider-verified email, else created. Then the provider's claim → role mapping is applied: for the tenants
// (and the platform role) a provider maps, its answer is the truth at every sign-in — granted, changed or taken
// away — and every change is audited. Roles in tenants it does not map are left alone.
import type { Request } from 'express';
import { roleRank, type TenantRole } from '../../admin/principal.js';
import type { Trx } from '../../admin/write.js';
import { recordAudit } from '../../audit/audit.js';
import type { OidcProvider } from '../../config/oidc.js';
import type { GatewayContext } from '../../context.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { nowIso } from '../../store/ids.js';
import { findTenant } from '../../store/repos/tenants.js';
import { email as emailSchema } from '../schemas.js';
import {
  findUserRow,
  insertUser,
  membershipsOf,
  removeMembership,
  setMembership,
  type UserRow,
  updateUser,
} from '../user-store.js';

export type Claims = Record<string, unknown> & { sub: string };

interface Granted {
  platform: boolean;
  tenants: Map<string, TenantRole>;
}

/** What the provider's mapping grants for these claims: the strongest role per tenant. */
export function grantsOf(provider: OidcProvider, claims: Claims): Granted {
  const raw = claims[provider.claim];
  const values = new Set(
    (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string'),
  );
  const granted: Granted = { platform: false, tenants: new Map() };
  for (const grant of provider.roles) {
    if (!values.has(grant.value)) continue;
    if (grant.role === 'platform') granted.platform = true;
    else {
      const tenantId = grant.tenantId!;
      const held = granted.tenants.get(tenantId);
      if (!held || roleRank(grant.role) > roleRank(held)) granted.tenants.set(tenantId, grant.role);
    }
  }
  return granted;
}

function refused(detail: string): GatewayError {
  return new GatewayError('forbidden', detail);
}

/** The email the provider vouches for, or undefined. */
function verifiedEmail(claims: Claims): string | undefined {
  const parsed = emailSchema.safeParse(claims.email);
  return parsed.success && claims.email_verified === true ? parsed.data : undefined;
}

/**
 * An existing account may be claimed only with an email the provider verified; a tenant's provider may not
 * claim an account that reaches beyond its tenant (a platform admin, a member elsewhere).
 */
async function linkable(trx: Trx, provider: OidcProvider, claims: Claims): Promise<UserRow | undefined> {
  const raw = typeof claims.email === 'string' ? claims.email : undefined;
  const existing = raw ? await findUserRow(trx, { email: raw }) : undefined;
  if (!existing) return undefined;
  if (verifiedEmail(claims) !== existing.email) {
    throw refused('an account with this email exists, and the identity provider did not verify the email');
  }
  if (provider.tenantId) {
    const elsewhere = (await membershipsOf(trx, existing.id)).some((m) => m.tenantId !== provider.tenantId);
    if (existing.platform_admin === 1 || elsewhere) {
      throw refused("a tenant's identity provider cannot sign in to an account outside that tenant");
    }
  }
  return existing;
}

async function findOrCreate(trx: Trx, provider: OidcProvider, claims: Claims, granted: Granted) {
  const identity = await trx
    .selectFrom('sso_identities')
    .select('user_id')
    .where('provider_id', '=', provider.id)
    .where('subject', '=', claims.sub)
    .executeTakeFirst();
  if (identity) {
    await trx
      .updateTable('sso_identities')
      .set({ last_login_at: nowIso() })
      .where('provider_id', '=', provider.id)
      .where('subject', '=', claims.sub)
      .execute();
    return { user: (await findUserRow(trx, { id: identity.user_id }))!, created: false };
  }
  let user = await linkable(trx, provider, claims);
  const created = !user;
  if (!user) {
    const email = verifiedEmail(claims);
    if (!email) throw refused('the identity provider sent no verified email for this account');
    if (!granted.platform && granted.tenants.size === 0) {
      throw refused(`the identity provider grants no role here (claim ${provider.claim})`);
    }
    const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : email;
    user = await insertUser(trx, {
      email,
      displayName: name.slice(0, 100),
      status: 'active',
      platformAdmin: false,
    });
  }
  const now = nowIso();
  await trx
    .insertInto('sso_identities')
    .values({
      provider_id: provider.id,
      subject: claims.sub,
      user_id: user.id,
      created_at: now,
      last_login_at: now,
    })
    .execute();
  return { user, created };
}

/** Applies the mapping to the user; the before and after of what changed, for the audit log. */
async function syncRoles(ctx: GatewayContext, trx: Trx, provider: OidcProvider, user: UserRow, g: Granted) {
  const before = { platformAdmin: user.platform_admin === 1, memberships: await membershipsOf(trx, user.id) };
  if (provider.roles.some((r) => r.role === 'platform') && before.platformAdmin !== g.platform) {
    await updateUser(trx, user.id, { platform_admin: g.platform ? 1 : 0 });
  }
  const mapped = new Set(provider.roles.flatMap((r) => (r.tenantId ? [r.tenantId] : [])));
  for (const tenantId of mapped) {
    const wanted = g.tenants.get(tenantId);
    const held = before.memberships.find((m) => m.tenantId === tenantId)?.role;
    if (wanted === held) continue;
    if (!wanted) await removeMembership(trx, user.id, tenantId);
    else if (await findTenant(trx, tenantId)) await setMembership(trx, user.id, tenantId, wanted);
    else ctx.logger.warn({ provider: provider.id, tenantId }, 'OIDC role mapping names an unknown tenant');
  }
  const after = {
    platformAdmin: (await findUserRow(trx, { id: user.id }))!.platform_admin === 1,
    memberships: await membershipsOf(trx, user.id),
  };
  return { before, after };
}

/** The user these claims sign in, created or linked and with the mapped roles applied; 403 when refused. */
export async function ssoUser(
  ctx: GatewayContext,
  req: Request,
  provider: OidcProvider,
  claims: Claims,
): Promise<string> {
  const granted = grantsOf(provider, claims);
  const signedIn = await ctx.store.db.transaction().execute(async (trx) => {
    const { user, created } = await findOrCreate(trx, provider, claims, granted);
    if (user.status === 'disabled') throw refused('this account is disabled');
    if (user.status === 'invited') await updateUser(trx, user.id, { status: 'active' });
    const { before, after } = await syncRoles(ctx, trx, provider, user, granted);
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      await recordAudit(trx, {
        actor: { kind: 'sso', id: provider.id, label: provider.name, tenantId: provider.tenantId ?? null },
        action: 'sso_roles',
        method: req.method,
        path: req.path,
        target: { type: 'user', id: user.id },
        tenantId: provider.tenantId ?? null,
        before,
        after,
        ip: req.ip ?? null,
        requestId: String(req.res?.getHeader('x-request-id') ?? '') || null,
      });
    }
    const anyRole = after.platformAdmin || after.memberships.length > 0;
    // A user made just now who would hold nothing (the mapped tenant does not exist) is not kept.
    if (!anyRole && created)
      throw refused(`the identity provider grants no role here (claim ${provider.claim})`);
    return { userId: user.id, anyRole };
  });
  // After the commit: roles the provider took away stay taken away even though this sign-in is refused.
  if (!signedIn.anyRole) throw refused(`the identity provider grants no role here (claim ${provider.claim})`);
  return signedIn.userId;
}
