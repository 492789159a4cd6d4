// Browser sessions: an opaque random id in an HttpOnly cookie, stored only as its SHA-256, with an idle and an
// absolute expiry. The CSRF token is derived from the id (HMAC), so it needs no storage and dies with it.
import { createHmac, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Kysely } from 'kysely';
import type { Env } from '../config/env.js';
import { hashSecret, safeEqual } from '../security/secrets.js';
import { newId, nowIso } from '../store/ids.js';
import type { Database, SessionTable } from '../store/schema.js';

type Db = Kysely<Database>;

export const SESSION_COOKIE = 'gk_session';
const COOKIE_PATH = '/admin';

export interface SessionView {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  via: SessionTable['via'];
  current: boolean;
}

export function csrfTokenOf(secret: string): string {
  return createHmac('sha256', secret).update('gateway-kit csrf').digest('base64url');
}

export function csrfMatches(secret: string, presented: string | undefined): boolean {
  return presented !== undefined && safeEqual(csrfTokenOf(secret), presented);
}

/** A cookie's value in the request, if any. */
export function cookieOf(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** The session secret in the request's cookie, if any. */
export function sessionSecretOf(req: Request): string | undefined {
  return cookieOf(req, SESSION_COOKIE);
}

/**
 * The flags of every cookie the admin API sets: HttpOnly, SameSite=Lax, and Secure when the browser reached us
 * over TLS (directly, through a trusted proxy, or per PUBLIC_URL).
 */
export function cookieFlags(req: Request, env: Env, path: string) {
  const secure = req.secure || (env.PUBLIC_URL?.startsWith('https:') ?? false);
  return { httpOnly: true, secure, sameSite: 'lax', path } as const;
}

export function setSessionCookie(req: Request, res: Response, env: Env, secret: string): void {
  res.cookie(SESSION_COOKIE, secret, {
    ...cookieFlags(req, env, COOKIE_PATH),
    maxAge: env.SESSION_MAX_SECONDS * 1000,
  });
}

export function clearSessionCookie(req: Request, res: Response, env: Env): void {
  res.clearCookie(SESSION_COOKIE, cookieFlags(req, env, COOKIE_PATH));
}

/** A new session (never one the client named: no fixation); the secret goes in the cookie only. */
export async function createSession(
  db: Db,
  env: Env,
  userId: string,
  req: Request,
  via: SessionTable['via'],
): Promise<{ secret: string; row: SessionTable }> {
  const secret = randomBytes(32).toString('base64url');
  const now = new Date();
  const row: SessionTable = {
    id: newId('session'),
    hash: hashSecret(secret),
    user_id: userId,
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: new Date(now.getTime() + env.SESSION_MAX_SECONDS * 1000).toISOString(),
    ip: req.ip ?? null,
    user_agent: req.get('user-agent')?.slice(0, 200) ?? null,
    via,
    revoked_at: null,
  };
  await db.insertInto('sessions').values(row).execute();
  return { secret, row };
}

/** The live session for a cookie secret, its idle clock moved on; undefined when unknown, revoked or expired. */
export async function liveSession(db: Db, env: Env, secret: string): Promise<SessionTable | undefined> {
  const row = await db
    .selectFrom('sessions')
    .selectAll()
    .where('hash', '=', hashSecret(secret))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const now = Date.now();
  const lastSeen = Date.parse(row.last_seen_at);
  if (now >= Date.parse(row.expires_at) || now >= lastSeen + env.SESSION_IDLE_SECONDS * 1000)
    return undefined;
  // One write per second at most: enough resolution for an idle timeout counted in minutes.
  if (now - lastSeen >= 1000) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(now).toISOString() })
      .where('id', '=', row.id)
      .execute();
  }
  return row;
}

export async function listSessions(
  db: Db,
  env: Env,
  userId: string,
  currentId: string | null,
): Promise<SessionView[]> {
  const rows = await db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', nowIso())
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const idleCutoff = Date.now() - env.SESSION_IDLE_SECONDS * 1000;
  return rows.filter((r) => Date.parse(r.last_seen_at) > idleCutoff).map((r) => sessionViewOf(r, currentId));
}

export function sessionViewOf(r: SessionTable, currentId: string | null): SessionView {
  return {
    id: r.id,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
    ip: r.ip,
    userAgent: r.user_agent,
    via: r.via,
    current: r.id === currentId,
  };
}

/** Revokes one session of a user (by public id), or all of them; how many were live. */
export async function revokeSessions(db: Db, userId: string, sessionId?: string): Promise<number> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: nowIso() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (sessionId !== undefined) query = query.where('id', '=', sessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
