// Signing in and out with a browser session, and a user's own account: sessions and personal access tokens.
import type { Request } from 'express';
import { type Principal, type RouteRole, roleRank, userIdOf } from '../../admin/principal.js';
import { defineRoute, type RouteDef } from '../../admin/route.js';
import { idParams, listOf } from '../../admin/schemas/common.js';
import { write } from '../../admin/write.js';
import type { GatewayContext } from '../../context.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { nowIso } from '../../store/ids.js';
import { findTenant } from '../../store/repos/tenants.js';
import type { SessionTable } from '../../store/schema.js';
import { auditEvent } from '../audit-events.js';
import { LoginThrottle } from '../login-throttle.js';
import { checkPassword } from '../passwords.js';
import {
  login,
  personalTokenCreate,
  personalTokenIssued,
  personalTokenView,
  sessionView,
  signedIn,
  userView as userSchema,
} from '../schemas.js';
import {
  clearSessionCookie,
  createSession,
  csrfTokenOf,
  listSessions,
  revokeSessions,
  sessionSecretOf,
  sessionViewOf,
  setSessionCookie,
} from '../sessions.js';
import { findToken, insertToken, listTokens, revokeToken } from '../token-store.js';
import { findUserRow, membershipsOf, updateUser, userView } from '../user-store.js';

const tag = 'people';
const BAD_LOGIN = 'wrong email or password';

/** Signs a user in on this response: a fresh session (never the one a cookie may name: no fixation). */
export async function signIn(
  ctx: GatewayContext,
  req: Request,
  res: import('express').Response,
  userId: string,
  via: SessionTable['via'],
) {
  const { secret, row } = await createSession(ctx.store.db, ctx.env, userId, req, via);
  await updateUser(ctx.store.db, userId, { last_login_at: nowIso() });
  setSessionCookie(req, res, ctx.env, secret);
  const user = (await findUserRow(ctx.store.db, { id: userId }))!;
  await auditEvent(ctx, req, 'login', { userId, email: user.email });
  return {
    user: await userView(ctx.store.db, user),
    session: sessionViewOf(row, row.id),
    csrfToken: csrfTokenOf(secret),
  };
}

function sessionIdOf(principal: Principal): string {
  const id = principal.actor.type === 'user' ? principal.actor.sessionId : undefined;
  if (!id) throw new GatewayError('not_found', 'this request was not made with a session cookie');
  return id;
}

export const sessionRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/session',
    operationId: 'signIn',
    summary: 'Sign in with email and password: sets the HttpOnly session cookie and returns the CSRF token',
    tag,
    role: 'public',
    body: login,
    response: { status: 201, description: 'Signed in', schema: signedIn },
    errors: ['unauthorized', 'too_many_attempts'],
    handler: async ({ ctx, req, res, body }) => {
      const ip = req.ip ?? 'unknown';
      const throttle = new LoginThrottle(ctx.limits.store);
      await throttle.check(body.email, ip);
      const user = await findUserRow(ctx.store.db, { email: body.email });
      const ok = await checkPassword(user?.password_hash ?? null, body.password);
      if (!user || !ok || user.status !== 'active') {
        await throttle.failed(body.email, ip);
        await auditEvent(ctx, req, 'login_failed', { userId: user?.id ?? null, email: body.email });
        throw new GatewayError('unauthorized', BAD_LOGIN);
      }
      await throttle.succeeded(body.email, ip);
      return signIn(ctx, req, res, user.id, 'password');
    },
  }),
  defineRoute({
    method: 'get',
    path: '/session',
    operationId: 'getSession',
    summary: 'The current session, its user and its CSRF token (for a page that was reloaded)',
    tag,
    role: 'self',
    response: { status: 200, description: 'The session', schema: signedIn },
    errors: ['not_found'],
    handler: async ({ ctx, req, principal }) => {
      const id = sessionIdOf(principal);
      const user = (await findUserRow(ctx.store.db, { id: userIdOf(principal) }))!;
      const [session] = (await listSessions(ctx.store.db, ctx.env, user.id, id)).filter((s) => s.id === id);
      return {
        user: await userView(ctx.store.db, user),
        session,
        csrfToken: csrfTokenOf(sessionSecretOf(req)!),
      };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/session',
    operationId: 'signOut',
    summary: 'Sign out: revokes the current session and clears its cookie',
    tag,
    role: 'self',
    response: { status: 204, description: 'Signed out' },
    errors: ['not_found'],
    handler: async ({ ctx, req, res, principal }) => {
      const userId = userIdOf(principal);
      await revokeSessions(ctx.store.db, userId, sessionIdOf(principal));
      clearSessionCookie(req, res, ctx.env);
      await auditEvent(ctx, req, 'logout', {
        userId,
        email: principal.actor.type === 'user' ? (principal.actor.label ?? '') : '',
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/me',
    operationId: 'getMe',
    summary: 'The signed-in user with their memberships',
    tag,
    role: 'self',
    response: { status: 200, description: 'The user', schema: userSchema },
    handler: async ({ ctx, principal }) =>
      userView(ctx.store.db, (await findUserRow(ctx.store.db, { id: userIdOf(principal) }))!),
  }),
  defineRoute({
    method: 'get',
    path: '/me/sessions',
    operationId: 'listMySessions',
    summary: "The signed-in user's live sessions",
    tag,
    role: 'self',
    response: { status: 200, description: 'The sessions', schema: listOf(sessionView) },
    handler: async ({ ctx, principal }) => ({
      items: await listSessions(
        ctx.store.db,
        ctx.env,
        userIdOf(principal),
        principal.actor.type === 'user' ? (principal.actor.sessionId ?? null) : null,
      ),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/me/sessions/:id',
    operationId: 'revokeMySession',
    summary: "Revoke one of the signed-in user's sessions (another device, or this one)",
    tag,
    role: 'self',
    params: idParams,
    response: { status: 204, description: 'Revoked' },
    errors: ['not_found'],
    handler: async ({ ctx, principal, params }) => {
      if ((await revokeSessions(ctx.store.db, userIdOf(principal), params.id)) === 0) {
        throw new GatewayError('not_found', `session ${params.id} not found`);
      }
    },
  }),
  defineRoute({
    method: 'post',
    path: '/me/tokens',
    operationId: 'issuePersonalToken',
    summary:
      'Issue a personal access token scoped to a role (never more than the user holds), with an expiry',
    tag,
    role: 'self',
    body: personalTokenCreate,
    response: { status: 201, description: 'The token, shown this once', schema: personalTokenIssued },
    errors: ['forbidden'],
    handler: async ({ ctx, principal, body }) => {
      const userId = userIdOf(principal);
      const user = (await findUserRow(ctx.store.db, { id: userId }))!;
      const admin = user.platform_admin === 1;
      const held: RouteRole | undefined =
        body.tenantId === null
          ? admin
            ? 'platform'
            : undefined
          : admin
            ? 'owner'
            : (await membershipsOf(ctx.store.db, userId)).find((m) => m.tenantId === body.tenantId)?.role;
      const wanted = body.role as RouteRole;
      const fits = body.tenantId === null ? wanted === 'platform' : wanted !== 'platform';
      if (!held || !fits || roleRank(wanted) > roleRank(held)) {
        throw new GatewayError('forbidden', 'a personal token cannot grant more than its user holds');
      }
      if (body.tenantId !== null && !(await findTenant(ctx.store.db, body.tenantId))) {
        throw new GatewayError('not_found', `tenant ${body.tenantId} not found`);
      }
      return write(ctx, async (trx) => {
        const { revokedAt: _none, ...issued } = await insertToken(trx, {
          tenantId: body.tenantId,
          userId,
          role: wanted,
          name: body.name ?? null,
          expiresAt: body.expiresAt,
        });
        return issued;
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/me/tokens',
    operationId: 'listPersonalTokens',
    summary: "The signed-in user's personal access tokens (without secrets)",
    tag,
    role: 'self',
    response: { status: 200, description: 'The tokens', schema: listOf(personalTokenView) },
    handler: async ({ ctx, principal }) => ({
      items: await listTokens(ctx.store.db, { userId: userIdOf(principal) }),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/me/tokens/:id',
    operationId: 'revokePersonalToken',
    summary: 'Revoke one of the signed-in user’s personal access tokens',
    tag,
    role: 'self',
    params: idParams,
    response: { status: 204, description: 'Revoked (or already revoked)' },
    errors: ['not_found'],
    handler: async ({ ctx, principal, params }) => {
      const token = await findToken(ctx.store.db, params.id, { userId: userIdOf(principal) });
      if (!token) throw new GatewayError('not_found', `token ${params.id} not found`);
      if (token.revokedAt === null) await write(ctx, (trx) => revokeToken(trx, token.id));
    },
  }),
];
