// Admin tokens, one model for two uses: tenant tokens (automation, no user) and personal access tokens (a
// user's, scoped to a role in one tenant or platform-wide). Stored only as the SHA-256 of the whole token.
import type { Kysely } from 'kysely';
import { hashSecret, issueKey } from '../security/secrets.js';
import { newId, nowIso } from '../store/ids.js';
import type { AdminTokenTable, Database } from '../store/schema.js';

type Db = Kysely<Database>;

export interface TokenView {
  id: string;
  tenantId: string | null;
  userId: string | null;
  role: string;
  name: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface TokenSpec {
  tenantId: string | null;
  userId: string | null;
  role: string;
  name: string | null;
  expiresAt: string | null;
}

const view = (r: AdminTokenTable): TokenView => ({
  id: r.id,
  tenantId: r.tenant_id,
  userId: r.user_id,
  role: r.role,
  name: r.name,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

export async function insertToken(db: Db, spec: TokenSpec): Promise<TokenView & { token: string }> {
  // Distinct prefixes let secret scanners tell a personal token from a tenant's.
  const { key } = issueKey(spec.userId ? 'gkp' : 'gkt');
  const row: AdminTokenTable = {
    id: newId('tenantToken'),
    tenant_id: spec.tenantId,
    user_id: spec.userId,
    role: spec.role,
    name: spec.name,
    hash: hashSecret(key),
    created_at: nowIso(),
    expires_at: spec.expiresAt,
    revoked_at: null,
  };
  await db.insertInto('admin_tokens').values(row).execute();
  return { ...view(row), token: key };
}

/** Tokens of a tenant (tenant tokens and members' personal tokens for it), or of one user. */
export async function listTokens(db: Db, by: { tenantId?: string; userId?: string }): Promise<TokenView[]> {
  let query = db.selectFrom('admin_tokens').selectAll();
  if (by.tenantId !== undefined) query = query.where('tenant_id', '=', by.tenantId);
  if (by.userId !== undefined) query = query.where('user_id', '=', by.userId);
  const rows = await query.orderBy('created_at').orderBy('id').execute();
  return rows.map(view);
}

export async function findToken(
  db: Db,
  id: string,
  by: { tenantId?: string; userId?: string },
): Promise<TokenView | undefined> {
  let query = db.selectFrom('admin_tokens').selectAll().where('id', '=', id);
  if (by.tenantId !== undefined) query = query.where('tenant_id', '=', by.tenantId);
  if (by.userId !== undefined) query = query.where('user_id', '=', by.userId);
  const row = await query.executeTakeFirst();
  return row && view(row);
}

export async function revokeToken(db: Db, id: string): Promise<void> {
  await db.updateTable('admin_tokens').set({ revoked_at: nowIso() }).where('id', '=', id).execute();
}
