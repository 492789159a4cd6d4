// A real OpenID Provider for tests (oidc-provider from npm) on a loopback port, with its own login and consent
// pages (devInteractions): tests drive them over HTTP as a browser would. Accounts are what a test puts in
// `accounts` (login name → claims); any password is accepted, as the provider's dev pages do.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Provider from 'oidc-provider';
import { type Browser, formOf, type Page, redirectOf } from './browser.js';
import { listen } from './harness.js';

export interface IdpAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

export interface TestIdp {
  issuer: string;
  accounts: Map<string, IdpAccount>;
  /** Registers the one client, once the gateway (and so its callback URL) exists. */
  register(client: { clientId: string; clientSecret: string; redirectUris: string[] }): void;
  close(): Promise<void>;
}

export async function startIdp(): Promise<TestIdp> {
  const accounts = new Map<string, IdpAccount>();
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handle) handle(req, res);
    else res.writeHead(503).end();
  });
  const issuer = await listen(server);
  return {
    issuer,
    accounts,
    register({ clientId, clientSecret, redirectUris }) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: redirectUris,
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ],
        // A flow without PKCE is refused, so a passing sign-in proves the gateway sent it.
        pkce: { required: () => true },
        scopes: ['openid', 'email', 'profile', 'groups'],
        claims: {
          openid: ['sub'],
          email: ['email', 'email_verified'],
          profile: ['name'],
          groups: ['groups'],
        },
        ttl: {
          AuthorizationCode: 60,
          Interaction: 600,
          Session: 600,
          Grant: 600,
          AccessToken: 600,
          IdToken: 600,
        },
        cookies: { keys: ['test-idp-cookie-key-0123456789'] },
        findAccount: (_ctx, id) => {
          const account = accounts.get(id);
          return account && { accountId: id, claims: () => ({ ...account }) };
        },
      });
      handle = provider.callback() as never;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A browser's way through a sign-in: the gateway's start, the provider's login (any password) and consent pages,
 * up to the provider's redirect back to the gateway's callback, which is returned unrequested.
 */
export async function throughIdp(
  browser: Browser,
  gatewayUrl: string,
  provider: string,
  login: string,
  returnTo?: string,
): Promise<{ start: Page; callback: string }> {
  const isCallback = (url: string) =>
    url.startsWith(`${gatewayUrl}/admin/v1/sso/`) && url.includes('/callback?');
  const query = returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`;
  const start = await browser.request(`${gatewayUrl}/admin/v1/sso/${provider}/start${query}`);
  if (start.status !== 302) throw new Error(`sign-in start → ${start.status} ${start.body}`);
  let page = await browser.follow(redirectOf(start)!, isCallback);
  while (!isCallback(redirectOf(page) ?? '')) {
    const form = formOf(page);
    const fields = form.fields.prompt === 'login' ? { ...form.fields, login, password: 'x' } : form.fields;
    page = await browser.follow(form.action, isCallback, { form: fields });
  }
  return { start, callback: redirectOf(page)! };
}
