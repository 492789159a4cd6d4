// People events without a resource write (sign-ins, sign-outs, failed sign-ins) go to the audit log directly.
import type { Request } from 'express';
import { recordAudit } from '../audit/audit.js';
import type { GatewayContext } from '../context.js';

export async function auditEvent(
  ctx: GatewayContext,
  req: Request,
  action: 'login' | 'logout' | 'login_failed' | 'password_reset' | 'invitation_accepted',
  who: { userId: string | null; email: string; tenantId?: string | null },
): Promise<void> {
  await recordAudit(ctx.store.db, {
    actor: { kind: 'user', id: who.userId, label: who.email, tenantId: who.tenantId ?? null },
    action,
    method: req.method,
    path: req.path,
    target: who.userId ? { type: 'user', id: who.userId } : null,
    tenantId: who.tenantId ?? null,
    ip: req.ip ?? null,
    requestId: String(req.res?.getHeader('x-request-id') ?? '') || null,
  });
}
