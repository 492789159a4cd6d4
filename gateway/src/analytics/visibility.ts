// Who may see which call-log rows: the platform sees all; a tenant sees calls to its APIs and calls by its apps.
import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../store/schema.js';

/** `user`: a signed-in user who has not chosen a tenant sees nothing. */
export type Viewer = { kind: 'platform' } | { kind: 'tenant'; tenantId: string } | { kind: 'user' };

export function visibleTo(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'call_logs'>) =>
    viewer.kind === 'platform'
      ? eb.lit(true)
      : viewer.kind === 'user'
        ? eb.lit(false)
        : eb.or([
            eb('call_logs.tenant_id', '=', viewer.tenantId),
            eb('call_logs.app_tenant_id', '=', viewer.tenantId),
          ]);
}
