// Who may see which call-log rows: the platform sees all; a tenant sees calls to its APIs and calls by its apps.
import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../store/schema.js';

export type Viewer = { kind: 'platform' } | { kind: 'tenant'; tenantId: string };

export function visibleTo(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database, 'call_logs'>) =>
    viewer.kind === 'platform'
      ? eb.lit(true)
      : eb.or([
          eb('call_logs.tenant_id', '=', viewer.tenantId),
          eb('call_logs.app_tenant_id', '=', viewer.tenantId),
        ]);
}
