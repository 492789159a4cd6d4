// What a signed-in user may do on one request: platform admin, one role in one tenant (the only one they
// belong to, or the one X-Admin-Tenant names), or nothing but their own account. A personal access token
// never grants more than its owner holds now: demoting or removing a user narrows their tokens at once.
import type { Kysely } from 'kysely';
import { type Principal, roleRank, type TenantRole } from '../admin/principal.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Database } from '../store/schema.js';
import { findUserRow, membershipsOf } from './user-store.js';

export const TENANT_HEADER = 'x-admin-tenant';

interface Via {
  via: 'session' | 'token';
  tokenId?: string;
  /** A personal token's scope: its tenant (null: platform-wide) and role. */
  scope?: { tenantId: string | null; role: string };
}

/** null when the user is unknown or not active (the credential is then as good as revoked: 401). */
export async function userPrincipal(
  db: Kysely<Database>,
  userId: string,
  requestedTenant: string | undefined,
  how: Via,
): Promise<Principal | null> {
  const user = await findUserRow(db, { id: userId });
  if (user?.status !== 'active') return null;
  const actor = {
    type: 'user' as const,
    userId,
    via: how.via,
    label: user.email,
    ...(how.tokenId ? { tokenId: how.tokenId } : {}),
  };
  const platformAdmin = user.platform_admin === 1;
  const memberships = await membershipsOf(db, userId);
  const scopeTenant = how.scope ? how.scope.tenantId : requestedTenant;

  if (scopeTenant === null || scopeTenant === undefined) {
    if (platformAdmin && (!how.scope || how.scope.role === 'platform')) return { kind: 'platform', actor };
    if (how.scope) return null; // a platform-wide token of someone no longer a platform admin
    if (memberships.length === 1) {
      const only = memberships[0]!;
      return { kind: 'tenant', tenantId: only.tenantId, role: only.role, actor };
    }
    return { kind: 'user', actor };
  }
  const held: TenantRole | undefined = platformAdmin
    ? 'owner'
    : memberships.find((m) => m.tenantId === scopeTenant)?.role;
  if (!held) {
    if (how.scope) return null;
    throw new GatewayError('not_found', `tenant ${scopeTenant} not found`);
  }
  const role =
    how.scope && roleRank(how.scope.role as TenantRole) < roleRank(held)
      ? (how.scope.role as TenantRole)
      : held;
  return { kind: 'tenant', tenantId: scopeTenant, role, actor };
}
