// Who is calling the admin API, with which role, and the one rule for what each caller may see.
import { GatewayError } from '../errors/gateway-error.js';

/** Roles inside one tenant, weakest first: each role may do everything the ones before it may. */
export const tenantRoles = ['viewer', 'developer', 'maintainer', 'owner'] as const;
export type TenantRole = (typeof tenantRoles)[number];

/**
 * The least a route needs: `public` (no credential), `self` (a signed-in user acting on their own account:
 * a session or personal token, never a tenant or platform token), a tenant role (a platform admin always
 * qualifies), or `platform` (platform admins only).
 */
export const routeRoles = ['public', 'self', ...tenantRoles, 'platform'] as const;
export type RouteRole = (typeof routeRoles)[number];

/** Which credential acted: recorded by the audit log, never the credential itself. */
export type Actor =
  | { type: 'platform-token' }
  | { type: 'tenant-token'; tokenId: string }
  | {
      type: 'user';
      userId: string;
      via: 'session' | 'token';
      tokenId?: string;
      /** The session's public id (`ses_…`) when signed in with a cookie. */
      sessionId?: string;
      label?: string;
    };

/**
 * `user`: a signed-in user with no tenant chosen (member of none, or of several without `X-Admin-Tenant`):
 * only `self` routes.
 */
export type Principal =
  | { kind: 'platform'; actor: Actor }
  | { kind: 'tenant'; tenantId: string; role: TenantRole; actor: Actor }
  | { kind: 'user'; actor: Actor & { type: 'user' } };

/** A tenant id no resource has (ids are `ten_…`): what a caller without a tenant is confined to. */
const NO_TENANT = '-';

export function roleRank(role: RouteRole): number {
  return routeRoles.indexOf(role);
}

/** Whether a caller holds at least `needed`; the caller's tenant is checked per resource by canSee. */
export function hasRole(principal: Principal, needed: RouteRole): boolean {
  if (needed === 'public') return true;
  if (needed === 'self') return principal.actor.type === 'user';
  if (principal.kind === 'platform') return true;
  return principal.kind === 'tenant' && roleRank(principal.role) >= roleRank(needed);
}

/** The tenant a caller is confined to, or null for the platform (no confinement). */
export function tenantScope(principal: Principal): string | null {
  if (principal.kind === 'platform') return null;
  return principal.kind === 'tenant' ? principal.tenantId : NO_TENANT;
}

export function canSee(principal: Principal, tenantId: string): boolean {
  return principal.kind === 'platform' || (principal.kind === 'tenant' && principal.tenantId === tenantId);
}

/** The user behind a `self` route's caller (mount.ts lets only users through to those). */
export function userIdOf(principal: Principal): string {
  if (principal.actor.type !== 'user') throw new GatewayError('forbidden', 'this operation needs a user');
  return principal.actor.userId;
}

/**
 * A resource the caller may not see answers exactly like one that does not exist, so a tenant cannot
 * probe another tenant's ids (404, never 403).
 */
export function notFound(kind: string, id: string): GatewayError {
  return new GatewayError('not_found', `${kind} ${id} not found`);
}
