// Single sign-on: the OIDC authorization-code flow with PKCE (openid-client). `start` remembers the login (the
// PKCE verifier and nonce in the store, the state in a short-lived cookie that binds the login to this browser)
// and sends the browser to the provider; `callback` checks the state against that cookie, redeems the code,
// verifies the ID token, applies the claim → role mapping and opens the same session a password sign-in does.
import type { Request } from 'express';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { ownOrigin } from '../../admin/auth.js';
import { ADMIN_PREFIX, defineRoute, type RouteDef } from '../../admin/route.js';
import { idParams, listOf } from '../../admin/schemas/common.js';
import type { OidcProvider } from '../../config/oidc.js';
import type { GatewayContext } from '../../context.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { hashSecret, safeEqual } from '../../security/secrets.js';
import { nowIso } from '../../store/ids.js';
import { auditEvent } from '../audit-events.js';
import { takeOrRefuse } from '../login-throttle.js';
import { cookieFlags, cookieOf } from '../sessions.js';
import { ssoClientsOf } from '../sso/clients.js';
import { type Claims, ssoUser } from '../sso/link.js';
import { signIn } from './session.js';

const tag = 'people';
const STATE_COOKIE = 'gk_sso';
const STATE_PATH = `${ADMIN_PREFIX}/sso`;
const LOGIN_TTL_MS = 10 * 60 * 1000;
// Each start writes a row before anyone signed in: bound how fast one address can make them (generously: a
// whole office may sign in from one NAT address at nine o'clock). Counted in the limits' shared store.
const STARTS = { limit: 120, durationSec: 60 };

const providerView = z.object({
  id: z.string(),
  name: z.string(),
  signInUrl: z.string().meta({ description: 'Send the browser here (GET) to sign in with this provider' }),
});

const startQuery = z
  .object({
    returnTo: z
      .string()
      .max(500)
      // A path on this site only: never `//evil.example` or `/\evil.example`, which browsers treat as hosts.
      .regex(/^\/(?![/\\])[^\s\\]*$/, 'must be a path on this site, such as /console/')
      .default('/console/'),
  })
  .strict();

// The provider adds what it likes (iss, session_state…); openid-client reads the whole URL itself.
const callbackQuery = z.looseObject({ state: z.string().min(1).max(512) });

function throttleStart(ctx: GatewayContext, req: Request): Promise<void> {
  const ip = req.ip ?? 'unknown';
  return takeOrRefuse(
    ctx.limits.store,
    `sso-start:${ip}`,
    STARTS.limit,
    STARTS.durationSec,
    'too many sign-ins started',
  );
}

/** The pending login this browser started: one use, within its time, for this provider. */
async function takeLogin(ctx: GatewayContext, req: Request, providerId: string, state: string) {
  const brought = cookieOf(req, STATE_COOKIE);
  if (!brought || !safeEqual(hashSecret(brought), hashSecret(state))) {
    throw new GatewayError('forbidden', 'this sign-in was not started in this browser; start it again');
  }
  const hash = hashSecret(state);
  const row = await ctx.store.db
    .selectFrom('sso_logins')
    .selectAll()
    .where('state_hash', '=', hash)
    .where('provider_id', '=', providerId)
    .executeTakeFirst();
  const taken = await ctx.store.db.deleteFrom('sso_logins').where('state_hash', '=', hash).executeTakeFirst();
  if (!row || taken.numDeletedRows === 0n || Date.parse(row.expires_at) <= Date.now()) {
    throw new GatewayError('unauthorized', 'this sign-in expired or was already used; start it again');
  }
  return row;
}

/** The provider's answer checked (state, PKCE, ID token signature, issuer, audience, nonce) and its claims. */
async function redeem(
  ctx: GatewayContext,
  provider: OidcProvider,
  req: Request,
  login: { code_verifier: string; nonce: string; redirect_uri: string },
  state: string,
): Promise<Claims> {
  const config = await ssoClientsOf(ctx.env).config(provider);
  // The URL the provider redirected to, on the redirect URI the login started with (openid-client sends it,
  // without the query, as redirect_uri): not rebuilt from a Host header.
  const current = new URL(login.redirect_uri);
  current.search = new URL(req.originalUrl, current).search;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: login.code_verifier,
      expectedState: state,
      expectedNonce: login.nonce,
    });
    const idClaims = tokens.claims()!;
    // Providers put most claims (email, groups) in userinfo unless asked otherwise: read both.
    const info = config.serverMetadata().userinfo_endpoint
      ? await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub)
      : {};
    return { ...info, ...idClaims } as Claims;
  } catch (err) {
    // The error's code and message come from openid-client or the provider and hold no secret or code.
    const e = err as { code?: string; error?: string; message?: string };
    ctx.logger.warn(
      { provider: provider.id, code: e.code ?? e.error, reason: e.message },
      'OIDC sign-in refused',
    );
    throw new GatewayError(
      'unauthorized',
      `the identity provider's answer was refused (${e.code ?? 'error'})`,
    );
  }
}

export const ssoRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/sso/providers',
    operationId: 'listSsoProviders',
    summary: 'The single sign-on providers a sign-in page offers (configured in OIDC_PROVIDERS)',
    tag,
    role: 'public',
    response: { status: 200, description: 'The providers', schema: listOf(providerView) },
    handler: async ({ ctx }) => ({
      items: ctx.env.OIDC_PROVIDERS.map((p) => ({
        id: p.id,
        name: p.name,
        signInUrl: `${STATE_PATH}/${p.id}/start`,
      })),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/sso/:id/start',
    operationId: 'startSso',
    summary: "Start signing in with a provider: redirects the browser to the provider's sign-in page",
    tag,
    role: 'public',
    params: idParams,
    query: startQuery,
    response: { status: 302, description: 'To the identity provider' },
    errors: ['not_found', 'too_many_attempts', 'upstream_unavailable'],
    handler: async ({ ctx, req, res, params, query }) => {
      const clients = ssoClientsOf(ctx.env);
      const provider = clients.find(params.id);
      await throttleStart(ctx, req);
      const config = await clients.config(provider);
      const state = oidc.randomState();
      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const redirectUri = `${ownOrigin(req, ctx.env.PUBLIC_URL)}${STATE_PATH}/${provider.id}/callback`;
      await ctx.store.db.deleteFrom('sso_logins').where('expires_at', '<', nowIso()).execute();
      await ctx.store.db
        .insertInto('sso_logins')
        .values({
          state_hash: hashSecret(state),
          provider_id: provider.id,
          code_verifier: verifier,
          nonce,
          redirect_uri: redirectUri,
          return_to: query.returnTo,
          expires_at: new Date(Date.now() + LOGIN_TTL_MS).toISOString(),
        })
        .execute();
      // SameSite=Lax still rides on the provider's top-level redirect back to the callback.
      res.cookie(STATE_COOKIE, state, { ...cookieFlags(req, ctx.env, STATE_PATH), maxAge: LOGIN_TTL_MS });
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: provider.scopes,
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      return { location: url.href };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/sso/:id/callback',
    operationId: 'finishSso',
    summary:
      'Where the provider sends the browser back: opens a session (the same cookie as a password sign-in) and redirects to where the sign-in started',
    tag,
    role: 'public',
    params: idParams,
    query: callbackQuery,
    response: { status: 302, description: 'Signed in: to the page the sign-in started from' },
    errors: ['not_found', 'unauthorized', 'forbidden', 'upstream_unavailable'],
    handler: async ({ ctx, req, res, params, query }) => {
      const provider = ssoClientsOf(ctx.env).find(params.id);
      res.clearCookie(STATE_COOKIE, cookieFlags(req, ctx.env, STATE_PATH));
      const login = await takeLogin(ctx, req, provider.id, query.state);
      let claims: Claims | undefined;
      try {
        claims = await redeem(ctx, provider, req, login, query.state);
        const userId = await ssoUser(ctx, req, provider, claims);
        await signIn(ctx, req, res, userId, 'sso');
      } catch (err) {
        const email = typeof claims?.email === 'string' ? claims.email : '';
        await auditEvent(ctx, req, 'login_failed', { userId: null, email, tenantId: provider.tenantId });
        throw err;
      }
      return { location: login.return_to };
    },
  }),
];
