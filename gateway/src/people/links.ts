// One-time links for invitations and password resets: a random token in the link, its SHA-256 in the store,
// good once and for a limited time. Issuing a new one for the same purpose voids the old ones.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Env } from '../config/env.js';
import { hashSecret } from '../security/secrets.js';
import { nowIso } from '../store/ids.js';
import type { Database, OneTimeLinkTable } from '../store/schema.js';

type Db = Kysely<Database>;
type Purpose = OneTimeLinkTable['purpose'];

const lifetimeMs: Record<Purpose, number> = {
  invite: 7 * 24 * 3600_000,
  reset: 3600_000,
  login: 15 * 60_000,
};

export async function issueLink(db: Db, userId: string, purpose: Purpose): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const now = Date.now();
  await db
    .updateTable('one_time_links')
    .set({ used_at: nowIso() })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
  await db
    .insertInto('one_time_links')
    .values({
      hash: hashSecret(token),
      user_id: userId,
      purpose,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + lifetimeMs[purpose]).toISOString(),
      used_at: null,
    })
    .execute();
  return token;
}

/** The user the link was for, used up now; null when unknown, used or expired (all answer alike). */
export async function redeemLink(db: Db, token: string, purpose: Purpose): Promise<string | null> {
  const hash = hashSecret(token);
  const result = await db
    .updateTable('one_time_links')
    .set({ used_at: nowIso() })
    .where('hash', '=', hash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', nowIso())
    .executeTakeFirst();
  // The conditional update is the check: two redemptions racing cannot both see it unused.
  if (Number(result.numUpdatedRows) !== 1) return null;
  const row = await db
    .selectFrom('one_time_links')
    .select('user_id')
    .where('hash', '=', hash)
    .executeTakeFirst();
  return row?.user_id ?? null;
}

/** The console page for a link; the token rides in the fragment, which browsers never send to a server. */
export function linkUrl(env: Env, purpose: Purpose, token: string): string {
  const base = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  return `${base}/console/#${purpose}=${token}`;
}
