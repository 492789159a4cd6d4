// Who is calling the admin API, with which role, and the one rule for what each caller may see.
import { GatewayError } from '../errors/gateway-error.js';

/** Roles inside one tenant, weakest first: each role may do everything the ones before it may. */
export const tenantRoles = ['viewer', 'developer', 'maintainer', 'owner'] as const;
export type TenantRole = (typeof tenantRoles)[number];

/**
 * The least a route needs: `public` (no credential), a tenant role (a platform admin always qualifies), or
 * `platform` (platform admins only).
 */
export const routeRoles = ['public', ...tenantRoles, 'platform'] as const;
export type RouteRole = (typeof routeRoles)[number];

/** Which credential acted: recorded by the audit log, never the credential itself. */
export type Actor =
  | { type: 'platform-token' }
  | { type: 'tenant-token'; tokenId: string }
  | { type: 'user'; userId: string; via: 'session' | 'token'; tokenId?: string; label?: string };

export type Principal =
  | { kind: 'platform'; actor: Actor }
  | { kind: 'tenant'; tenantId: string; role: TenantRole; actor: Actor };

export function roleRank(role: RouteRole): number {
  return routeRoles.indexOf(role);
}

/** Whether a caller holds at least `needed`; the caller's tenant is checked per resource by canSee. */
export function hasRole(principal: Principal, needed: RouteRole): boolean {
  if (needed === 'public' || principal.kind === 'platform') return true;
  return roleRank(principal.role) >= roleRank(needed);
}

/** The tenant a caller is confined to, or null for the platform (no confinement). */
export function tenantScope(principal: Principal): string | null {
  return principal.kind === 'platform' ? null : principal.tenantId;
}

export function canSee(principal: Principal, tenantId: string): boolean {
  return principal.kind === 'platform' || principal.tenantId === tenantId;
}

/**
 * A resource the caller may not see answers exactly like one that does not exist, so a tenant cannot
 * probe another tenant's ids (404, never 403).
 */
export function notFound(kind: string, id: string): GatewayError {
  return new GatewayError('not_found', `${kind} ${id} not found`);
}
