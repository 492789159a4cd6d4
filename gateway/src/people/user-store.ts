// Users and their tenant memberships in the store.
import type { Kysely } from 'kysely';
import type { TenantRole } from '../admin/principal.js';
import { newId, nowIso } from '../store/ids.js';
import type { Database, UserTable } from '../store/schema.js';

type Db = Kysely<Database>;

export interface Membership {
  tenantId: string;
  role: TenantRole;
}

export interface UserView {
  id: string;
  email: string;
  displayName: string;
  status: UserTable['status'];
  platformAdmin: boolean;
  createdAt: string;
  lastLoginAt: string | null;
  memberships: Membership[];
}

export type UserRow = UserTable;

export async function findUserRow(db: Db, by: { id?: string; email?: string }): Promise<UserRow | undefined> {
  let query = db.selectFrom('users').selectAll();
  if (by.id !== undefined) query = query.where('id', '=', by.id);
  if (by.email !== undefined) query = query.where('email', '=', by.email.toLowerCase());
  return query.executeTakeFirst();
}

export async function membershipsOf(db: Db, userId: string): Promise<Membership[]> {
  const rows = await db
    .selectFrom('memberships')
    .select(['tenant_id', 'role'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('tenant_id')
    .execute();
  return rows.map((r) => ({ tenantId: r.tenant_id, role: r.role as TenantRole }));
}

export async function userView(db: Db, row: UserRow): Promise<UserView> {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    status: row.status,
    platformAdmin: row.platform_admin === 1,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
    memberships: await membershipsOf(db, row.id),
  };
}

export async function insertUser(
  db: Db,
  user: { email: string; displayName: string; status: UserTable['status']; platformAdmin: boolean },
): Promise<UserRow> {
  const row: UserRow = {
    id: newId('user'),
    email: user.email.toLowerCase(),
    display_name: user.displayName,
    status: user.status,
    password_hash: null,
    platform_admin: user.platformAdmin ? 1 : 0,
    created_at: nowIso(),
    last_login_at: null,
  };
  await db.insertInto('users').values(row).execute();
  return row;
}

export async function listUsers(db: Db, tenantId: string | null): Promise<UserRow[]> {
  let query = db.selectFrom('users').selectAll('users');
  if (tenantId !== null) {
    query = query
      .innerJoin('memberships', 'memberships.user_id', 'users.id')
      .where('memberships.tenant_id', '=', tenantId);
  }
  return query.orderBy('users.created_at').orderBy('users.id').execute();
}

export async function updateUser(
  db: Db,
  id: string,
  set: Partial<
    Pick<UserRow, 'display_name' | 'status' | 'password_hash' | 'platform_admin' | 'last_login_at'>
  >,
): Promise<void> {
  if (Object.keys(set).length > 0) await db.updateTable('users').set(set).where('id', '=', id).execute();
}

/** Sets (or changes) a user's role in a tenant; the previous role, or null when they were not a member. */
export async function setMembership(
  db: Db,
  userId: string,
  tenantId: string,
  role: TenantRole,
): Promise<TenantRole | null> {
  const existing = await db
    .selectFrom('memberships')
    .select('role')
    .where('user_id', '=', userId)
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  if (existing) {
    await db
      .updateTable('memberships')
      .set({ role })
      .where('user_id', '=', userId)
      .where('tenant_id', '=', tenantId)
      .execute();
    return existing.role as TenantRole;
  }
  await db
    .insertInto('memberships')
    .values({ user_id: userId, tenant_id: tenantId, role, created_at: nowIso() })
    .execute();
  return null;
}

export async function removeMembership(db: Db, userId: string, tenantId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('memberships')
    .where('user_id', '=', userId)
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
