// Who is calling the admin API, and the one rule for what each caller may see.
import { GatewayError } from '../errors/gateway-error.js';

export type Principal = { kind: 'platform' } | { kind: 'tenant'; tenantId: string };

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
