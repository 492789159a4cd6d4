// The audit actor of an admin principal. Kept apart from the principal type so the log stays readable
// whatever authenticated the caller.
import type { Principal } from '../admin/principal.js';
import type { AuditActor } from './audit.js';

export function actorOf(principal: Principal): AuditActor {
  const tenantId = principal.kind === 'tenant' ? principal.tenantId : null;
  const { actor } = principal;
  switch (actor.type) {
    case 'platform-token':
      return { kind: 'platform', id: null, label: 'platform token', tenantId: null };
    case 'tenant-token':
      return { kind: 'tenant-token', id: actor.tokenId, label: null, tenantId };
    case 'user':
      return { kind: 'user', id: actor.userId, label: actor.label ?? null, tenantId };
  }
}
