// A one-time sign-in link: whoever runs the gateway process hands it to a person (the demo prints one for its
// admin), and the console exchanges it for a session once. Good for 15 minutes, then or once used worthless;
// only its SHA-256 is stored (people/links.ts). Nothing in the admin API issues one: only code that holds the
// store (the demo, an operator's script) can, so it grants nothing a caller could not already do.
import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.js';
import { issueLink, redeemLink } from '../../people/links.js';
import { signIn } from '../../people/routes/session.js';
import { signedIn } from '../../people/schemas.js';
import { findUserRow } from '../../people/user-store.js';
import type { Store } from '../../store/db.js';
import { defineRoute, type RouteDef } from '../route.js';

/** The console URL that signs `userId` in once: the token rides in the fragment, which no server sees. */
export async function oneTimeLogin(store: Store, baseUrl: string, userId: string): Promise<string> {
  return `${baseUrl}/console/#login=${await issueLink(store.db, userId, 'login')}`;
}

export const loginLinkRoutes: RouteDef[] = [
  defineRoute({
    method: 'post',
    path: '/session/link',
    operationId: 'signInWithLink',
    summary: 'Sign in with a one-time sign-in link (once, within 15 minutes of its issue)',
    tag: 'people',
    role: 'public',
    body: z.object({ token: z.string().min(1).max(200) }).strict(),
    response: { status: 201, description: 'Signed in', schema: signedIn },
    errors: ['unauthorized'],
    handler: async ({ ctx, req, res, body }) => {
      const userId = await redeemLink(ctx.store.db, body.token, 'login');
      const user = userId ? await findUserRow(ctx.store.db, { id: userId }) : undefined;
      // Unknown, used, expired, or for a disabled person: one answer for all.
      if (!user || user.status === 'disabled')
        throw new GatewayError('unauthorized', 'invalid, used or expired sign-in link');
      return signIn(ctx, req, res, user.id, 'link');
    },
  }),
];
