// The audit actor of an admin principal. Kept apart from the principal type so the log stays readable
// whatever authenticated the caller.
import type { Principal } from '../admin/principal.js';
import type { AuditActor } from './audit.js';

export function actorOf(principal: Principal): AuditActor {
  if (principal.kind === 'platform')
    return { kind: 'platform', id: null, label: 'platform token', tenantId: null };
  const p = principal as { tenantId: string; tokenId?: string; name?: string | null };
  return { kind: 'tenant-token', id: p.tokenId ?? null, label: p.name ?? null, tenantId: p.tenantId };
}
