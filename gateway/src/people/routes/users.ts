// Users (platform admins manage them), tenant members (a tenant's owners manage them), invitations and
// password resets through one-time links.
import { canSee, notFound, type Principal } from '../../admin/principal.js';
import { defineRoute, type RouteDef } from '../../admin/route.js';
import { idParams, listOf } from '../../admin/schemas/common.js';
import { type Trx, write } from '../../admin/write.js';
import type { GatewayContext } from '../../context.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { findTenant } from '../../store/repos/tenants.js';
import { auditEvent } from '../audit-events.js';
import { issueLink, linkUrl, redeemLink } from '../links.js';
import { createMailer, type Mailer } from '../mail.js';
import { hashPassword } from '../passwords.js';
import {
  invitationCreate,
  invited,
  linkRedeem,
  memberParams,
  memberPut,
  resetRequest,
  signedIn,
  userCreate,
  userPatch,
  userView as userSchema,
} from '../schemas.js';
import { revokeSessions } from '../sessions.js';
import {
  findUserRow,
  insertUser,
  listUsers,
  removeMembership,
  setMembership,
  updateUser,
  userView,
} from '../user-store.js';
import { signIn } from './session.js';

const tag = 'people';
const mailers = new WeakMap<GatewayContext, Mailer>();

function mailerOf(ctx: GatewayContext): Mailer {
  let mailer = mailers.get(ctx);
  if (!mailer) {
    mailer = createMailer(ctx.env, ctx.logger);
    mailers.set(ctx, mailer);
  }
  return mailer;
}

/** Mails (or logs) an invitation; the link is returned only when there is no mail transport. */
async function invite(ctx: GatewayContext, userId: string, email: string): Promise<string | null> {
  const link = linkUrl(ctx.env, 'invite', await issueLink(ctx.store.db, userId, 'invite'));
  const mailer = mailerOf(ctx);
  await mailer.send({
    to: email,
    subject: 'You are invited to the API gateway',
    text: `Set your password and sign in within 7 days:\n\n${link}\n`,
    link,
  });
  return mailer.configured ? null : link;
}

async function ownTenant(db: Trx | GatewayContext['store']['db'], principal: Principal, id: string) {
  if (!canSee(principal, id) || !(await findTenant(db, id))) throw notFound('tenant', id);
}

async function userOr404(db: GatewayContext['store']['db'], id: string) {
  const user = await findUserRow(db, { id });
  if (!user) throw notFound('user', id);
  return user;
}

export const userRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/users',
    operationId: 'createUser',
    summary: 'Create a user (invited: they set their password through a one-time link)',
    tag,
    role: 'platform',
    body: userCreate,
    response: {
      status: 201,
      description: 'The user, and the link when no mail transport is set',
      schema: invited,
    },
    errors: ['conflict', 'not_found'],
    handler: async ({ ctx, body }) => {
      const user = await write(
        ctx,
        async (trx) => {
          const row = await insertUser(trx, { ...body, status: 'invited' });
          for (const m of body.memberships) {
            if (!(await findTenant(trx, m.tenantId))) throw notFound('tenant', m.tenantId);
            await setMembership(trx, row.id, m.tenantId, m.role);
          }
          return userView(trx, row);
        },
        `a user with email ${body.email} exists`,
      );
      return { user, link: await invite(ctx, user.id, user.email) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/users',
    operationId: 'listUsers',
    summary: 'List users',
    tag,
    role: 'platform',
    response: { status: 200, description: 'The users', schema: listOf(userSchema) },
    handler: async ({ ctx }) => ({
      items: await Promise.all((await listUsers(ctx.store.db, null)).map((u) => userView(ctx.store.db, u))),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/users/:id',
    operationId: 'getUser',
    summary: 'Get a user',
    tag,
    role: 'platform',
    params: idParams,
    response: { status: 200, description: 'The user', schema: userSchema },
    errors: ['not_found'],
    handler: async ({ ctx, params }) => userView(ctx.store.db, await userOr404(ctx.store.db, params.id)),
  }),
  defineRoute({
    method: 'patch',
    path: '/users/:id',
    operationId: 'updateUser',
    summary:
      'Rename, disable or re-enable a user, or make them a platform admin (disabling ends their sessions)',
    tag,
    role: 'platform',
    params: idParams,
    body: userPatch,
    response: { status: 200, description: 'The user', schema: userSchema },
    errors: ['not_found'],
    handler: ({ ctx, params, body }) =>
      write(ctx, async (trx) => {
        const user = await userOr404(trx, params.id);
        await updateUser(trx, user.id, {
          ...(body.displayName !== undefined ? { display_name: body.displayName } : {}),
          ...(body.status !== undefined ? { status: body.status } : {}),
          ...(body.platformAdmin !== undefined ? { platform_admin: body.platformAdmin ? 1 : 0 } : {}),
        });
        if (body.status === 'disabled') await revokeSessions(trx, user.id);
        return userView(trx, (await findUserRow(trx, { id: user.id }))!);
      }),
  }),
  defineRoute({
    method: 'get',
    path: '/tenants/:id/members',
    operationId: 'listMembers',
    summary: "List a tenant's members with their roles",
    tag,
    role: 'viewer',
    params: idParams,
    response: { status: 200, description: 'The members', schema: listOf(userSchema) },
    errors: ['not_found'],
    handler: async ({ ctx, principal, params }) => {
      await ownTenant(ctx.store.db, principal, params.id);
      const rows = await listUsers(ctx.store.db, params.id);
      return { items: await Promise.all(rows.map((u) => userView(ctx.store.db, u))) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/tenants/:id/invitations',
    operationId: 'inviteMember',
    summary: 'Invite someone to the tenant with a role (an existing user simply gains the membership)',
    tag,
    role: 'owner',
    params: idParams,
    body: invitationCreate,
    response: {
      status: 201,
      description: 'The user, and the link when no mail transport is set',
      schema: invited,
    },
    errors: ['not_found', 'conflict'],
    handler: async ({ ctx, principal, params, body }) => {
      const user = await write(ctx, async (trx) => {
        await ownTenant(trx, principal, params.id);
        const row =
          (await findUserRow(trx, { email: body.email })) ??
          (await insertUser(trx, {
            email: body.email,
            displayName: body.displayName ?? body.email,
            status: 'invited',
            platformAdmin: false,
          }));
        await setMembership(trx, row.id, params.id, body.role);
        return userView(trx, row);
      });
      return { user, link: user.status === 'invited' ? await invite(ctx, user.id, user.email) : null };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/tenants/:id/members/:userId',
    operationId: 'setMemberRole',
    summary: "Change a member's role in the tenant",
    tag,
    role: 'owner',
    params: memberParams,
    body: memberPut,
    response: { status: 200, description: 'The user', schema: userSchema },
    errors: ['not_found'],
    handler: ({ ctx, principal, params, body }) =>
      write(ctx, async (trx) => {
        await ownTenant(trx, principal, params.id);
        const user = await findUserRow(trx, { id: params.userId });
        const member = user && (await userView(trx, user)).memberships.some((m) => m.tenantId === params.id);
        if (!user || !member) throw notFound('member', params.userId);
        await setMembership(trx, user.id, params.id, body.role);
        return userView(trx, user);
      }),
  }),
  defineRoute({
    method: 'delete',
    path: '/tenants/:id/members/:userId',
    operationId: 'removeMember',
    summary: 'Remove a member from the tenant (their personal tokens for it stop working)',
    tag,
    role: 'owner',
    params: memberParams,
    response: { status: 204, description: 'Removed' },
    errors: ['not_found'],
    handler: ({ ctx, principal, params }) =>
      write(ctx, async (trx) => {
        await ownTenant(trx, principal, params.id);
        if (!(await removeMembership(trx, params.userId, params.id))) throw notFound('member', params.userId);
      }),
  }),
  defineRoute({
    method: 'post',
    path: '/invitations/accept',
    operationId: 'acceptInvitation',
    summary: "Accept an invitation with the link's token: sets the password and signs in",
    tag,
    role: 'public',
    body: linkRedeem,
    response: { status: 201, description: 'Signed in', schema: signedIn },
    errors: ['unauthorized'],
    handler: async ({ ctx, req, res, body }) => {
      const userId = await redeemLink(ctx.store.db, body.token, 'invite');
      const user = userId ? await findUserRow(ctx.store.db, { id: userId }) : undefined;
      if (user?.status !== 'invited') throw new GatewayError('unauthorized', 'invalid or used link');
      await updateUser(ctx.store.db, user.id, {
        status: 'active',
        password_hash: await hashPassword(body.password),
        ...(body.displayName ? { display_name: body.displayName } : {}),
      });
      await auditEvent(ctx, req, 'invitation_accepted', { userId: user.id, email: user.email });
      return signIn(ctx, req, res, user.id, 'password');
    },
  }),
  defineRoute({
    method: 'post',
    path: '/password-reset',
    operationId: 'requestPasswordReset',
    summary: 'Mail a one-time password-reset link (answers 202 whether or not the email has an account)',
    tag,
    role: 'public',
    body: resetRequest,
    response: { status: 202, description: 'Accepted' },
    handler: async ({ ctx, body }) => {
      const user = await findUserRow(ctx.store.db, { email: body.email });
      if (user?.status === 'active') {
        const link = linkUrl(ctx.env, 'reset', await issueLink(ctx.store.db, user.id, 'reset'));
        await mailerOf(ctx).send({
          to: user.email,
          subject: 'Reset your API gateway password',
          text: `Choose a new password within the hour:\n\n${link}\n\nIf you did not ask for this, ignore this mail.\n`,
          link,
        });
      }
      return {};
    },
  }),
  defineRoute({
    method: 'post',
    path: '/password-reset/confirm',
    operationId: 'confirmPasswordReset',
    summary: "Set a new password with the reset link's token; every session of the user ends",
    tag,
    role: 'public',
    body: linkRedeem,
    response: { status: 204, description: 'Password changed' },
    errors: ['unauthorized'],
    handler: async ({ ctx, req, body }) => {
      const userId = await redeemLink(ctx.store.db, body.token, 'reset');
      const user = userId ? await findUserRow(ctx.store.db, { id: userId }) : undefined;
      if (user?.status !== 'active') throw new GatewayError('unauthorized', 'invalid or used link');
      await updateUser(ctx.store.db, user.id, { password_hash: await hashPassword(body.password) });
      await revokeSessions(ctx.store.db, user.id);
      await auditEvent(ctx, req, 'password_reset', { userId: user.id, email: user.email });
    },
  }),
];
